import { useState } from 'preact/hooks';
import { useWebStrings } from '../use-web-strings.js';
import { QrCode } from './QrCode.js';

/** A link to pass on: the URL to copy, and its QR code on request. */
export function LinkShare({ url, name }: { url: string; name: string }) {
  const t = useWebStrings();
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="link-share">
      <label class="visually-hidden" for={`link-url-${name}`}>
        {t.t('linkUrl')}
      </label>
      <input
        id={`link-url-${name}`}
        class="link-url"
        readOnly
        value={url}
        dir="ltr"
        onFocus={(event) => event.currentTarget.select()}
      />
      <div class="toolbar">
        <button type="button" class="button" onClick={() => void copy()}>
          {t.t('copyLink')}
        </button>
        <button type="button" class="button" aria-expanded={qr} onClick={() => setQr(!qr)}>
          {qr ? t.t('hideQr') : t.t('showQr')}
        </button>
        <span role="status" class="muted">
          {copied ? t.t('copied') : ''}
        </span>
      </div>
      {qr && <QrCode text={url} label={t.t('qrLabel')} />}
    </div>
  );
}
