import {
  AddPrekeysRequest,
  PublishKeysRequest,
  RotatePrekeysRequest,
  type KeyStatusResponse,
  type PrekeyBundleResponse,
} from '@knock/protocol/keys';
import type { FastifyInstance } from 'fastify';
import { parseBody } from '../../platform/http/validate.js';
import type { HttpAuth } from '../auth/http-auth.js';
import type { KeysService } from './service.js';

/** A full upload of ML-KEM prekeys (1,184-byte keys, 100 at a time) is larger than other bodies. */
const KEY_BODY_LIMIT = 256 * 1024;

/** The key directory's HTTP API (docs/protocol.md, "Key directory"). */
export function registerKeyRoutes(app: FastifyInstance, keys: KeysService, httpAuth: HttpAuth) {
  app.get('/api/keys', async (request): Promise<KeyStatusResponse> => {
    const { userId } = await httpAuth.require(request);
    return keys.status(userId);
  });

  app.put(
    '/api/keys',
    { bodyLimit: KEY_BODY_LIMIT },
    async (request): Promise<KeyStatusResponse> => {
      const { userId } = await httpAuth.require(request);
      return keys.publish(userId, parseBody(PublishKeysRequest, request.body));
    },
  );

  app.post(
    '/api/keys/prekeys',
    { bodyLimit: KEY_BODY_LIMIT },
    async (request): Promise<KeyStatusResponse> => {
      const { userId } = await httpAuth.require(request);
      return keys.add(userId, parseBody(AddPrekeysRequest, request.body));
    },
  );

  app.put('/api/keys/signed-prekey', async (request): Promise<KeyStatusResponse> => {
    const { userId } = await httpAuth.require(request);
    return keys.rotate(userId, parseBody(RotatePrekeysRequest, request.body));
  });

  app.post<{ Params: { username: string } }>(
    '/api/users/:username/bundle',
    async (request): Promise<PrekeyBundleResponse> => {
      const { userId } = await httpAuth.require(request);
      return keys.bundle(userId, request.params.username);
    },
  );
}
