import { useState } from 'preact/hooks';
import { ConfirmDialog } from '@knock/ui/ConfirmDialog';
import type { ChatSummary } from '@knock/protocol/http';
import type { Router } from '../router.js';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';
import { FormProblem } from '@knock/ui/FormProblem';

/** A guest chat's decisions: accept or ignore a request; block or end at any time. */
export function GuestActions(props: {
  session: UserSession;
  router: Router;
  chat: ChatSummary;
  name: string;
}) {
  const t = useWebStrings();
  const { session, chat } = props;
  const [confirm, setConfirm] = useState<'block' | 'end' | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const act = async (action: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const request = chat.guest?.state === 'request';
  const leave = () => props.router.go({ page: 'chats' }, { replace: true });
  return (
    <div class="toolbar">
      {request && (
        <>
          <button
            type="button"
            class="button button-primary"
            onClick={() =>
              void act(() =>
                session.client.acceptRequest(chat.id).then(() => session.chats.refresh(chat.id)),
              )
            }
          >
            {t.t('accept')}
          </button>
          <button
            type="button"
            class="button"
            onClick={() =>
              void act(() =>
                session.client.ignoreRequest(chat.id).then(() => session.chats.refresh(chat.id)),
              )
            }
          >
            {t.t('ignore')}
          </button>
        </>
      )}
      <button type="button" class="button button-danger" onClick={() => setConfirm('block')}>
        {t.t('block')}
      </button>
      <button type="button" class="button" onClick={() => setConfirm('end')}>
        {t.t('endChat')}
      </button>
      <FormProblem text={problem} />
      <ConfirmDialog
        open={confirm !== undefined}
        title={
          confirm === 'block'
            ? t.t('blockConfirmTitle', { name: props.name })
            : t.t('endConfirmTitle')
        }
        confirmLabel={confirm === 'block' ? t.t('block') : t.t('endChat')}
        cancelLabel={t.t('cancel')}
        danger
        onCancel={() => setConfirm(undefined)}
        onConfirm={() => {
          const what = confirm;
          setConfirm(undefined);
          void act(async () => {
            if (what === 'block') await session.client.blockGuest(chat.id);
            else await session.client.endChat(chat.id);
            session.chats.forget(chat.id);
            leave();
          });
        }}
      >
        <p>{confirm === 'block' ? t.t('blockConfirmBody') : t.t('endConfirmBody')}</p>
      </ConfirmDialog>
    </div>
  );
}
