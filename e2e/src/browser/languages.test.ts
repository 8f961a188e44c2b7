import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, useChromium, recordTraffic } from '../testing/browser.js';
import { PASSWORD } from '../testing/devices.js';
import { createLinkInPage, signUpInPage } from '../testing/web-app.js';

// The guest page and the web app in the browser's language: Spanish, and Arabic and Hebrew right
// to left, with the layout mirrored; a language Knock does not speak falls back to English.

const chromium = useChromium();
let server: TestServer;
const contexts: BrowserContext[] = [];

beforeEach(async () => {
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await server.close();
});

async function open(locale: string, viewport: { width: number; height: number }): Promise<Page> {
  // `locale` sets navigator.language(s) and Accept-Language, as a browser set to it would.
  const context = await chromium.browser.newContext({ locale, viewport });
  contexts.push(context);
  return context.newPage();
}

/** What the apps say in each language, written out here (not read from the catalogues). */
interface Expected {
  host: string;
  guest: string;
  invitedBy: string;
  acceptTerms: string;
  yourName: string;
  startChat: string;
  message: string;
  messages: string;
  send: string;
  endChat: string;
  signIn: string;
  noAccount: string;
  signUp: string;
  username: string;
  displayName: string;
  password: string;
  chatsNav: string;
  links: string;
  linkDisplayName: string;
  createLink: string;
  linkReady: string;
  requests: string;
  guestBadge: string;
  notRegistered: string;
  question: string;
  answer: string;
}

const LANGUAGES: Record<'es' | 'ar' | 'he', Expected> = {
  es: {
    host: 'Panadería Ana',
    guest: 'Sam',
    invitedBy: 'Panadería Ana te invitó a chatear',
    acceptTerms: 'Acepto las condiciones',
    yourName: 'Tu nombre',
    startChat: 'Iniciar chat',
    message: 'Mensaje',
    messages: 'Mensajes',
    send: 'Enviar',
    endChat: 'Terminar chat',
    signIn: 'Iniciar sesión',
    noAccount: '¿Eres nuevo? Crea una cuenta',
    signUp: 'Crear cuenta',
    username: 'Nombre de usuario',
    displayName: 'Nombre visible',
    password: 'Contraseña',
    chatsNav: 'Chats',
    links: 'Enlaces',
    linkDisplayName: 'Nombre que ven los invitados',
    createLink: 'Crear enlace',
    linkReady: 'Tu enlace está listo',
    requests: 'Solicitudes',
    guestBadge: 'Invitado',
    notRegistered: 'No registrado',
    question: '¿Abren el domingo?',
    answer: 'Sí, de 8 a 12.',
  },
  ar: {
    host: 'مخبز آنا',
    guest: 'سامي',
    invitedBy: 'دعاك مخبز آنا إلى المحادثة',
    acceptTerms: 'أوافق على الشروط',
    yourName: 'اسمك',
    startChat: 'بدء المحادثة',
    message: 'رسالة',
    messages: 'الرسائل',
    send: 'إرسال',
    endChat: 'إنهاء المحادثة',
    signIn: 'تسجيل الدخول',
    noAccount: 'جديد هنا؟ أنشئ حسابًا',
    signUp: 'إنشاء حساب',
    username: 'اسم المستخدم',
    displayName: 'الاسم الظاهر',
    password: 'كلمة المرور',
    chatsNav: 'المحادثات',
    links: 'الروابط',
    linkDisplayName: 'الاسم الذي يراه الضيوف',
    createLink: 'إنشاء الرابط',
    linkReady: 'رابطك جاهز',
    requests: 'الطلبات',
    guestBadge: 'ضيف',
    notRegistered: 'غير مسجّل',
    question: 'هل تفتحون يوم الأحد؟',
    answer: 'نعم، من 8 إلى 12.',
  },
  he: {
    host: 'המאפייה של אנה',
    guest: 'שירה',
    invitedBy: 'המאפייה של אנה הזמין/ה אותך לצ׳אט',
    acceptTerms: 'אני מקבל/ת את התנאים',
    yourName: 'השם שלך',
    startChat: 'התחלת צ׳אט',
    message: 'הודעה',
    messages: 'הודעות',
    send: 'שליחה',
    endChat: 'סיום הצ׳אט',
    signIn: 'כניסה',
    noAccount: 'חדש/ה כאן? יצירת חשבון',
    signUp: 'הרשמה',
    username: 'שם משתמש',
    displayName: 'שם לתצוגה',
    password: 'סיסמה',
    chatsNav: 'צ׳אטים',
    links: 'קישורים',
    linkDisplayName: 'השם שאורחים רואים',
    createLink: 'יצירת קישור',
    linkReady: 'הקישור מוכן',
    requests: 'בקשות',
    guestBadge: 'אורח',
    notRegistered: 'לא רשום',
    question: 'אתם פתוחים ביום ראשון?',
    answer: 'כן, משמונה עד שתים עשרה.',
  },
};

async function languageOf(page: Page): Promise<{ lang: string | null; dir: string | null }> {
  const html = page.locator('html');
  return { lang: await html.getAttribute('lang'), dir: await html.getAttribute('dir') };
}

async function box(locator: Locator): Promise<{ left: number; right: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`${String(locator)} is not on screen`);
  return { left: found.x, right: found.x + found.width };
}

describe('the browser’s language', () => {
  it.each(Object.entries(LANGUAGES))(
    'speaks %s, with the layout in its direction',
    async (locale, s) => {
      const rtl = locale !== 'es';
      const dir = rtl ? 'rtl' : 'ltr';

      // Web: sign in and sign up in the language.
      const host = await open(locale, DESKTOP);
      const hostTraffic = recordTraffic(host);
      await host.goto(`${server.url}/sign-in`);
      await host.getByRole('heading', { name: s.signIn, level: 1 }).waitFor();
      expect(await languageOf(host)).toEqual({ lang: locale, dir });
      await host.getByRole('button', { name: s.signIn }).waitFor();
      await host.getByRole('link', { name: s.noAccount }).click();
      await host.getByRole('heading', { name: s.signUp, level: 1 }).waitFor();
      await host.getByLabel(s.username).fill('ana');
      await host.getByLabel(s.displayName).fill(s.host);
      await host.getByLabel(s.password).fill(PASSWORD);
      await host.getByRole('button', { name: s.signUp }).click();

      // Web: a link.
      await host.getByRole('link', { name: s.links }).click();
      await host.getByRole('heading', { name: s.links, level: 1 }).waitFor();
      await host.getByLabel(s.linkDisplayName).fill(s.host);
      await host.getByRole('button', { name: s.createLink }).click();
      const link = await host
        .getByRole('region', { name: s.linkReady })
        .getByRole('textbox')
        .inputValue();

      // Guest: the welcome screen and the chat in the language.
      const guest = await open(locale, PHONE);
      const guestTraffic = recordTraffic(guest);
      await guest.goto(link);
      await guest.getByRole('heading', { name: s.invitedBy, level: 1 }).waitFor();
      expect(await languageOf(guest)).toEqual({ lang: locale, dir });
      const start = guest.getByRole('button', { name: s.startChat });
      expect(await start.isDisabled()).toBe(true);
      await guest.getByLabel(s.acceptTerms).check();
      await guest.getByLabel(s.yourName).fill(s.guest);
      await start.click();
      const composer = guest.getByRole('textbox', { name: s.message });
      await composer.waitFor();
      await guest.getByRole('heading', { name: s.host, level: 1 }).waitFor();
      await guest.getByRole('button', { name: s.endChat }).waitFor();

      // Web: the request under Requests, with the guest's badge, in the language.
      await host.getByRole('link', { name: s.chatsNav, exact: true }).click();
      const request = host
        .getByRole('region', { name: s.requests })
        .getByRole('link', { name: `${s.guest} (${s.guestBadge}) · ${s.notRegistered}` });
      await request.waitFor();
      await request.click();
      await host.getByRole('heading', { name: s.guest, level: 1 }).waitFor();

      // Both write (the host once the chat is open).
      await composer.fill(s.question);
      await guest.getByRole('button', { name: s.send }).click();
      const hostLog = host.getByRole('log', { name: s.messages });
      await hostLog.getByText(s.question).waitFor();
      await host.getByRole('textbox', { name: s.message }).fill(s.answer);
      await host.getByRole('button', { name: s.send }).click();
      const guestLog = guest.getByRole('log', { name: s.messages });
      await guestLog.getByText(s.answer).waitFor();

      // Mirrored: own bubbles at the end of the line (left in RTL), the peer's at its start,
      // and Send after the message field in reading order.
      const own = await box(guestLog.getByRole('listitem').filter({ hasText: s.question }));
      const theirs = await box(guestLog.getByRole('listitem').filter({ hasText: s.answer }));
      const field = await box(composer);
      const send = await box(guest.getByRole('button', { name: s.send }));
      if (rtl) {
        expect(own.left).toBeLessThan(theirs.left);
        expect(own.right).toBeLessThan(theirs.right);
        expect(send.right).toBeLessThanOrEqual(field.left);
      } else {
        expect(own.left).toBeGreaterThan(theirs.left);
        expect(own.right).toBeGreaterThan(theirs.right);
        expect(send.left).toBeGreaterThanOrEqual(field.right);
      }
      // On a wide screen the chat list is on the reading side: the right in RTL.
      const list = await box(host.getByRole('navigation', { name: s.chatsNav }));
      const conversation = await box(host.getByRole('region', { name: s.guest }));
      if (rtl) expect(list.left).toBeGreaterThanOrEqual(conversation.right - 1);
      else expect(list.right).toBeLessThanOrEqual(conversation.left + 1);

      expect(hostTraffic.problems).toEqual([]);
      expect(guestTraffic.problems).toEqual([]);
    },
    60_000,
  );

  it('falls back to English for a language Knock does not speak (fr-FR)', async () => {
    const host = await open('fr-FR', DESKTOP);
    await host.goto(`${server.url}/sign-in`);
    await host.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(await languageOf(host)).toEqual({ lang: 'en', dir: 'ltr' });
    await signUpInPage(host, server.url, 'ana', 'Ana’s Bakery');
    const link = await createLinkInPage(host, { displayName: 'Ana’s Bakery' });

    const guest = await open('fr-FR', PHONE);
    await guest.goto(link);
    await guest.getByRole('heading', { name: 'Ana’s Bakery invited you to chat' }).waitFor();
    expect(await languageOf(guest)).toEqual({ lang: 'en', dir: 'ltr' });
    await guest.getByRole('button', { name: 'Start chat' }).waitFor();
    await guest.getByLabel('I accept the terms').waitFor();
  });
});
