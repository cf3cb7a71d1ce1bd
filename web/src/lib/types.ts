// Types shared with the server (type-only imports: no server code is bundled).
import type { ApiKey, Me, User } from '../../../server/src/modules/users/users.schemas.ts';
import type { Role } from '../../../server/src/platform/http/rbac.ts';
import type { Wire } from './wire.ts';

export type { Role };
export type WireUser = Wire<User>;
export type WireMe = Wire<Me>;
export type WireApiKey = Wire<ApiKey>;
export type UserStatus = User['status'];
