import { ID_PATTERN } from '@knock/protocol/limits';
import { StartChatRequest, type ChatListResponse, type ChatResponse } from '@knock/protocol/http';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { parseBody } from '../../platform/http/validate.js';
import type { HttpAuth } from '../auth/http-auth.js';
import type { ChatsService } from './service.js';

export function registerChatRoutes(
  app: FastifyInstance,
  chats: ChatsService,
  httpAuth: HttpAuth,
): void {
  // A guest lists and reads its one chat like anyone else.
  const member = { allowGuest: true };

  app.get('/api/chats', async (request): Promise<ChatListResponse> => {
    const principal = await httpAuth.require(request, member);
    return { chats: await chats.list(principal.userId) };
  });

  app.post('/api/chats', async (request): Promise<ChatResponse> => {
    const principal = await httpAuth.require(request);
    const body = parseBody(StartChatRequest, request.body);
    return { chat: await chats.startDirect(principal.userId, body.username) };
  });

  app.get<{ Params: { chatId: string } }>(
    '/api/chats/:chatId',
    async (request): Promise<ChatResponse> => {
      const principal = await httpAuth.require(request, member);
      const chat = await chats.get(chatIdOf(request.params), principal.userId);
      if (!chat) throw new AppError('chat_not_found');
      return { chat };
    },
  );

  // A guest chat's request: the host accepts it or sets it aside (docs/protocol.md, "Guests").
  for (const decision of ['accept', 'ignore'] as const) {
    app.post<{ Params: { chatId: string } }>(
      `/api/chats/:chatId/${decision}`,
      async (request): Promise<ChatResponse> => {
        const principal = await httpAuth.require(request);
        const chatId = chatIdOf(request.params);
        return { chat: await chats.settleRequest(chatId, principal.userId, decision) };
      },
    );
  }

  // The host blocks the guest: the chat closes and the guest's token dies.
  app.post<{ Params: { chatId: string } }>('/api/chats/:chatId/block', async (request, reply) => {
    const principal = await httpAuth.require(request);
    await chats.close(chatIdOf(request.params), principal.userId, 'block');
    return reply.status(204).send();
  });

  // Either side ends a guest chat: the server deletes everything it holds on it.
  app.delete<{ Params: { chatId: string } }>('/api/chats/:chatId', async (request, reply) => {
    const principal = await httpAuth.require(request, member);
    await chats.close(chatIdOf(request.params), principal.userId, 'end');
    return reply.status(204).send();
  });
}

function chatIdOf(params: { chatId: string }): string {
  if (!ID_PATTERN.test(params.chatId)) throw new AppError('chat_not_found');
  return params.chatId;
}
