import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { consentParamsSchema, consentViewSchema, setConsentBodySchema } from './consent.schemas.ts';
import type { ConsentService } from './consent.service.ts';
import { idOnly } from './customers.schemas.ts';

const tags = ['Customers'];

export function consentRoutes(app: ZodApp, consent: ConsentService): void {
  app.get('/api/customers/:id/consent', {
    config: { access: 'customers:read' },
    schema: { tags, summary: 'Marketing consent per channel, and the ledger of every change (newest first)', params: idOnly, response: { 200: consentViewSchema } },
  }, async (req) => consent.view(req.params.id));

  app.put('/api/customers/:id/consent/:channel', {
    config: { access: 'customers:write' },
    schema: {
      tags, summary: 'Set the marketing consent of one channel (email or sms), with the reason', params: consentParamsSchema, body: setConsentBodySchema,
      response: { 200: consentViewSchema },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const evidence = { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, form: actor.type === 'user' ? 'Patron customer profile' : 'REST API' };
    return consent.change(actor, req.params.id, req.params.channel, req.body, evidence);
  });
}
