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
  app.get('/api/chats', async (request): Promise<ChatListResponse> => {
    const principal = await httpAuth.require(request);
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
      const principal = await httpAuth.require(request);
      const { chatId } = request.params;
      const chat = ID_PATTERN.test(chatId) ? await chats.get(chatId, principal.userId) : undefined;
      if (!chat) throw new AppError('chat_not_found');
      return { chat };
    },
  );
}
