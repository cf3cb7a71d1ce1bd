import type { ZodApp } from '../../platform/http/server.ts';
import type { IntegrationsDeps } from './deps.ts';
import { setupImports } from './imports/index.ts';
import { setupOutbound } from './outbound/setup.ts';
import { setupWebhooks } from './webhooks/setup.ts';

export type { IntegrationsDeps } from './deps.ts';

/** The integrations module: store webhooks in (webhooks/), webhooks out (outbound/), CSV imports (imports/). */
export function createIntegrationsModule(deps: IntegrationsDeps) {
  const webhooks = setupWebhooks(deps);
  const outbound = setupOutbound(deps);
  const imports = setupImports(deps);
  return {
    webhooks,
    outbound,
    imports,
    routes(app: ZodApp) {
      webhooks.routes(app);
      outbound.routes(app);
      imports.routes(app);
    },
  };
}
export type IntegrationsModule = ReturnType<typeof createIntegrationsModule>;
