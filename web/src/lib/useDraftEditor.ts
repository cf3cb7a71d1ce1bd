import { useCallback, useState } from 'react';

/**
 * The state of a create/edit form in a modal: which record (none when new), its draft, and the
 * problem the last save reported. `patch` merges fields into the draft.
 */
export function useDraftEditor<D extends object, P>() {
  const [edit, setEdit] = useState<{ id?: string; draft: D } | null>(null);
  const [problem, setProblem] = useState<P | null>(null);
  const open = useCallback((draft: D, id?: string) => {
    setProblem(null);
    setEdit(id === undefined ? { draft } : { id, draft });
  }, []);
  const close = useCallback(() => setEdit(null), []);
  const patch = useCallback((p: Partial<D>) => setEdit((e) => e && { ...e, draft: { ...e.draft, ...p } }), []);
  return { edit, draft: edit?.draft, id: edit?.id, open, close, patch, problem, setProblem };
}
