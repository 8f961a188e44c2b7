/** Settings the server writes into the page's meta tags (never inline script: CSP). */
export interface PageSettings {
  termsUrl: string;
  chatTtlDays: number;
}

export function readPageSettings(doc: Pick<Document, 'querySelector'>): PageSettings {
  const meta = (name: string) =>
    doc.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
  const days = Number(meta('knock-chat-ttl-days'));
  return {
    termsUrl: meta('knock-terms') || '/terms',
    chatTtlDays: Number.isFinite(days) && days > 0 ? days : 10,
  };
}
