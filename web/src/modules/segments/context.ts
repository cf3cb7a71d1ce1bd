import type { Catalogue } from './api.ts';
import type { Subject } from './subjects.ts';

/** What every condition row needs to know about the store. */
export interface RowContext {
  catalogue: Catalogue;
  subjects: Subject[];
  /** Tag suggestions for the Tags field. */
  tags: string[];
  /** The segment being edited (it cannot contain itself). */
  selfId?: string;
}
