/**
 * Hostile text for T34 (and T32's names): classic XSS payloads in many spellings, each placed in a
 * few contexts and passed through a few encodings, so that a view that ever parses a message or a
 * name as HTML, a URL, markdown or a template is caught.
 *
 * Every payload that could run calls `knockXss(<id>)` with its own vector's id, which the browser
 * suites install as a sentinel, so any execution names the vector. Payloads that would rather
 * navigate or load something point at FORBIDDEN_ORIGIN (with the id in the path), a loopback
 * address nothing listens on, so the suites see the request.
 */

/** The function every executable payload calls with its id. */
export const SENTINEL = 'knockXss';

/** Where the payloads that load or navigate point: nothing listens there, nothing may ask it. */
export const FORBIDDEN_ORIGIN = 'http://127.0.0.2:1';

export interface XssVector {
  /** Unique, and the argument the vector's payload passes to the sentinel. */
  readonly id: number;
  readonly text: string;
}

// Placeholders of the base list: §X is the sentinel call, §ID the bare id, §URL a forbidden URL
// (no trailing slash, so "§URL.js" works), §B64 the base64 of a script tag that calls the sentinel.

/** Script elements in many spellings. */
const SCRIPTS = [
  '<script>§X</script>',
  '<SCRIPT>§X</SCRIPT>',
  '<ScRiPt>§X</sCrIpT>',
  '<script >§X</script >',
  '<script\n>§X</script\n>',
  '<script\t>§X</script>',
  '<script type="text/javascript">§X</script>',
  '<script type=module>§X</script>',
  '<script/xss>§X</script>',
  '<script src=data:,§X></script>',
  '<script src="data:text/javascript,§X"></script>',
  '<script src=§URL/§ID.js></script>',
  '<script src=//127.0.0.2:1/§ID></script>',
  '<<script>§X//<</script>',
  '<scr<script>ipt>§X</scr</script>ipt>',
  '<script>/*</script><script>*/§X</script>',
  "<script>eval('§X')</script>",
  '<script>setTimeout("§X")</script>',
  "<script>window['knock'+'Xss'](§ID)</script>",
  '<script>\\u006bnockXss(§ID)</script>',
  "<script>[].constructor.constructor('§X')()</script>",
  "<script>fetch('§URL/§ID')</script>",
  "<script>import('§URL/§ID.mjs')</script>",
  '<script>alert(§ID);§X</script>',
  '<script>confirm(§ID);prompt(§ID);§X</script>',
  '<script>document.write("<img src=x onerror=§X>")</script>',
  '<script>location="javascript:§X"</script>',
];

/** Event handlers on elements that fire them by themselves. */
const HANDLERS = [
  '<img src=x onerror=§X>',
  '<img src="x" onerror="§X">',
  "<img src='x' onerror='§X'>",
  '<IMG SRC=x OnErRoR=§X>',
  '<img/src=x/onerror=§X>',
  '<img src onerror=§X>',
  '<img src=x onerror=§X//',
  '<img src=x:x onerror="javascript:§X">',
  '<img src=x onerror=&#107;nockXss(§ID)>',
  '<img src=x onerror=&#x6B;nockXss&#x28;§ID&#x29;>',
  '<img src=x onerror=\\u006bnockXss(§ID)>',
  '<img src=x onerror=window.onerror=knockXss;throw(§ID)>',
  '<img src=x onerror=location="javascript:§X">',
  '<img """><script>§X</script>">',
  '<image src=x onerror=§X>',
  '<img src=data:image/gif;base64,R0lGODlhAQABAAAAACw= onload=§X>',
  '<picture><source srcset=x><img src=x onerror=§X></picture>',
  '<input type=image src=x onerror=§X>',
  '<svg onload=§X>',
  '<svg/onload=§X>',
  '<SVG ONLOAD=§X>',
  '<svg><script>§X</script></svg>',
  '<svg><script href=data:,§X />',
  '<svg><script xlink:href=data:,§X></script></svg>',
  '<svg><animate onbegin=§X attributeName=x dur=1s>',
  '<svg><set onbegin=§X attributeName=x to=1>',
  '<svg><discard onbegin=§X>',
  '<svg><image href=x onerror=§X />',
  '<svg><foreignObject><img src=x onerror=§X></foreignObject></svg>',
  '<iframe onload=§X></iframe>',
  '<iframe src="javascript:§X"></iframe>',
  '<iframe srcdoc="<script>§X</script>"></iframe>',
  '<iframe srcdoc="&lt;img src=x onerror=§X&gt;"></iframe>',
  '<iframe src="data:text/html,<script>§X</script>"></iframe>',
  '<object data="javascript:§X"></object>',
  '<object data="data:text/html;base64,§B64"></object>',
  '<embed src="javascript:§X">',
  '<embed src="data:text/html;base64,§B64">',
  '<frameset onload=§X>',
  '<video src=x onerror=§X></video>',
  '<video><source onerror=§X></video>',
  '<audio src=x onerror=§X>',
  '<body onload=§X>',
  '<body onpageshow=§X>',
  '<details open ontoggle=§X>',
  '<details/open/ontoggle=§X>',
  '<marquee onstart=§X>x</marquee>',
  '<marquee loop=1 width=0 onfinish=§X>x</marquee>',
  '<input autofocus onfocus=§X>',
  '<input onblur=§X autofocus><input autofocus>',
  '<select autofocus onfocus=§X>',
  '<textarea autofocus onfocus=§X>',
  '<keygen autofocus onfocus=§X>',
  '<button autofocus onfocus=§X>x</button>',
  '<div tabindex=1 autofocus onfocus=§X>',
  '<a autofocus href=# onfocusin=§X>x</a>',
  '<style>@keyframes k{}</style><div style=animation-name:k onanimationstart=§X>',
  '<p style=animation:k onanimationend=§X>',
  '<div style=transition:color+1s ontransitionend=§X>',
  '<div onmouseover=§X style=position:fixed;inset:0>',
  '<x onclick=§X>click</x>',
  '<html onmouseover=§X>',
  '<style onload=§X></style>',
  '<link rel=stylesheet href=x onerror=§X>',
  '<dialog open onclose=§X><form method=dialog><button autofocus>x</button></form></dialog>',
  '<body onhashchange=§X>',
  '<div popover id=p onbeforetoggle=§X></div>',
  '<input type=hidden accesskey=x onclick=§X>',
  '<svg><animate attributeName=href to=javascript:§X /><a><text>x</text></a></svg>',
];

/** Script URLs in every attribute that takes one. */
const URLS = [
  '<a href="javascript:§X">x</a>',
  '<a href=javascript:§X>x</a>',
  '<a href="JaVaScRiPt:§X">x</a>',
  '<a href="&#106;avascript:§X">x</a>',
  '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74:§X">x</a>',
  '<a href="java\tscript:§X">x</a>',
  '<a href="java\nscript:§X">x</a>',
  '<a href=" javascript:§X">x</a>',
  '<a href="javascript&colon;§X">x</a>',
  '<a href="javascript://%0a§X">x</a>',
  '<a href="vbscript:msgbox(§ID)">x</a>',
  '<a href="data:text/html;base64,§B64">x</a>',
  '<a href="data:text/html,<script>§X</script>">x</a>',
  '<a href=§URL/§ID>x</a>',
  '<a href=javascript:§X target=_blank>x</a>',
  '<form><button formaction=javascript:§X>go</button></form>',
  '<form action=javascript:§X><input type=submit></form>',
  '<form id=f></form><button form=f formaction=javascript:§X>x</button>',
  '<isindex action=javascript:§X type=image>',
  '<math href="javascript:§X">x</math>',
  '<svg><a xlink:href="javascript:§X"><text x=20 y=20>x</text></a></svg>',
  '<svg><a href="javascript:§X"><text x=20 y=20>x</text></a></svg>',
  '<svg><animate xlink:href=#a attributeName=href values=javascript:§X /><a id=a><text>x</text></a></svg>',
  "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='§X'/></svg>#x\"/></svg>",
  '<svg><use xlink:href=§URL/§ID.svg#x />',
  '<object><param name=src value=javascript:§X></object>',
  '<applet code=javascript:§X>',
  '<video poster=javascript:§X>',
  '<img src=javascript:§X>',
  '<img dynsrc=javascript:§X lowsrc=javascript:§X>',
  '<table background=javascript:§X>',
  '<iframe src=vbscript:msgbox(§ID)>',
  'javascript:§X',
  'JAVASCRIPT:§X//',
  'javascript:/*§ID*/§X',
  'data:text/html,<script>§X</script>',
  'data:text/html;base64,§B64',
  'vbscript:msgbox(§ID)',
];

/** Elements that load something from elsewhere, or navigate, with no script at all. */
const LOADS = [
  '<img src=//127.0.0.2:1/§ID>',
  '<img src=§URL/§ID.png>',
  '<img srcset="§URL/§ID.png 1x">',
  '<picture><source srcset=§URL/§ID.webp><img></picture>',
  '<video poster=§URL/§ID.jpg>',
  '<video src=§URL/§ID.mp4 autoplay>',
  '<audio src=§URL/§ID.mp3 autoplay>',
  '<video><track default src=§URL/§ID.vtt></video>',
  '<iframe src=§URL/§ID></iframe>',
  '<object data=§URL/§ID></object>',
  '<embed src=§URL/§ID>',
  '<link rel=stylesheet href=§URL/§ID.css>',
  '<link rel=preload as=image href=§URL/§ID.png>',
  '<link rel=prefetch href=§URL/§ID>',
  '<link rel=icon href=§URL/§ID.ico>',
  '<link rel=import href=§URL/§ID.html>',
  "<style>@import '§URL/§ID.css';</style>",
  '<style>body{background:url("§URL/§ID.png")}</style>',
  '<div style="background-image:url(§URL/§ID.png)">x</div>',
  '<div style="background:url(javascript:§X)">x</div>',
  '<div style="width:expression(§X)">x</div>',
  '<style>*{x:expression(§X)}</style>',
  '<div style="behavior:url(§URL/§ID.htc)">x</div>',
  '<xss style="-moz-binding:url(§URL/§ID.xml#x)">x</xss>',
  '<svg><image href=§URL/§ID.png />',
  "<svg><style>@import '§URL/§ID.css';</style></svg>",
  '<table background=§URL/§ID.png>',
  '<body background=§URL/§ID.png>',
  '<input type=image src=§URL/§ID.png>',
  '<bgsound src=§URL/§ID.wav>',
  '<img dynsrc=§URL/§ID.avi lowsrc=§URL/§ID.png>',
  '<meta http-equiv="refresh" content="0;url=javascript:§X">',
  '<meta http-equiv=refresh content="0; url=§URL/§ID">',
  '<meta http-equiv="refresh" content="0;url=data:text/html;base64,§B64">',
  '<meta http-equiv="Content-Security-Policy" content="script-src * \'unsafe-inline\'"><script>§X</script>',
  '<meta http-equiv="set-cookie" content="knock=§ID">',
  '<base href=§URL/§ID/><img src=x.png>',
  '<base href="javascript:§X//"><a href=x>x</a>',
  '<portal src=§URL/§ID></portal>',
  '<object type=text/x-scriptlet data=§URL/§ID.sct></object>',
  '§URL/§ID?<script>§X</script>',
  '![x](§URL/§ID.png)',
];

/** Template, framework and string-building injections. */
const TEMPLATES = [
  "{{constructor.constructor('§X')()}}",
  "{{$on.constructor('§X')()}}",
  "{{'a'.constructor.prototype.charAt=[].join;$eval('x=§X');}}",
  "{{x = {'y':''.constructor.prototype}; x['y'].charAt=[].join;$eval('x=§X');}}",
  '{{§X}}',
  '{{{§X}}}',
  '${§X}',
  '`${§X}`',
  '<%= §X %>',
  '<% §X %>',
  '#{§X}',
  '[[§X]]',
  '{%§X%}',
  '{{=§X}}',
  '@(§X)',
  '{host}{name}{when} §X',
  "$& $1 $` $' §X",
  '{"__proto__":{"innerHTML":"<img src=x onerror=§X>"}}',
  '<div v-html="\'<img src=x onerror=§X>\'"></div>',
  '<div ng-app ng-csp><input autofocus ng-focus=$event.view.knockXss(§ID)>',
  '<div data-bind="html: \'<img src=x onerror=§X>\'"></div>',
  '<x v-on:click=§X>x</x>',
  '<template x-init="§X"></template>',
  '";§X;//',
  "';§X;//",
  '\\";§X;//',
  '\u2028§X\u2029',
  '</script><script>§X</script>',
];

/** Markdown and link-detection bait. */
const MARKDOWN = [
  '[click](javascript:§X)',
  '[click](javascript://%0a§X)',
  '[click](JaVaScRiPt:§X)',
  '[x](data:text/html;base64,§B64)',
  '![x](javascript:§X)',
  '![x"onerror="§X](x)',
  '[x](§URL/§ID "title")',
  '<javascript:§X>',
  '[x]: javascript:§X\n[click][x]',
  '**<img src=x onerror=§X>**',
  '`<script>§X</script>`',
  '```html\n<script>§X</script>\n```',
  '> <img src=x onerror=§X>',
  '- [ ] <svg onload=§X>',
  '_<details open ontoggle=§X>_',
  '[<img src=x onerror=§X>](x)',
];

/** Breaking out of whatever the text could be pasted into. */
const BREAKOUTS = [
  '</textarea><script>§X</script>',
  '</title><script>§X</script>',
  '</style><script>§X</script>',
  '</noscript><script>§X</script>',
  '</bdi><img src=x onerror=§X>',
  '</p><img src=x onerror=§X>',
  '</li></ol><img src=x onerror=§X>',
  '</h1><img src=x onerror=§X>',
  '</span></a><img src=x onerror=§X>',
  '"><script>§X</script>',
  "'><script>§X</script>",
  '"><img src=x onerror=§X>',
  "'><svg onload=§X>",
  '--><script>§X</script>',
  '--!><img src=x onerror=§X>',
  ']]><script>§X</script>',
  '<![CDATA[<script>§X</script>]]>',
  '<!--<script>§X</script>-->',
  '<!--><img src=x onerror=§X>-->',
  '<!---><img src=x onerror=§X>-->',
  '<? foo="><script>§X</script>">',
  '<!DOCTYPE html><script>§X</script>',
  '" onmouseover="§X" x="',
  "' onfocus='§X' autofocus x='",
  '" autofocus onfocus="§X',
  '" style="animation-name:x" onanimationstart="§X',
  "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+§X//'>",
  'jaVasCript:/*-/*`/*\\`/*\'/*"/**/(/* */oNcliCk=§X )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=§X//>\\x3e',
  '\'"><img src=x onerror=§X>{{§X}}${§X}',
];

/** Mutation XSS: markup that re-parses into something else. */
const MUTATIONS = [
  '<noscript><p title="</noscript><img src=x onerror=§X>">',
  '<svg></p><style><a id="</style><img src=1 onerror=§X>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=§X>',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=§X>',
  '<math><mi//xlink:href="data:x,<script>§X</script>">',
  '<svg><p><style><img src=x onerror=§X></style></p></svg>',
  '<xmp><p title="</xmp><img src=x onerror=§X>">',
  '<noembed><img title="</noembed><img src onerror=§X>"></noembed>',
  '<noframes><p title="</noframes><img src=x onerror=§X>">',
  '<iframe><p title="</iframe><img src=x onerror=§X>">',
  '<textarea><p title="</textarea><img src=x onerror=§X>">',
  '<title><p title="</title><img src=x onerror=§X>">',
  '<template><img src=x onerror=§X></template>',
  '<select><template><img src=x onerror=§X></template></select>',
  '<svg><![CDATA[><img src=x onerror=§X>]]></svg>',
  '<listing>&lt;img src=x onerror=§X&gt;</listing>',
  '<a title="&#x22;&#x3e;&#x3c;img src=x onerror=§X&#x3e;">x</a>',
  '<svg><style>&lt;img src=x onerror=§X&gt;</style></svg>',
  '<table><img src=x onerror=§X></table>',
  '<svg><desc><img src=x onerror=§X></desc></svg>',
];

/** Encodings the text must not be decoded from. */
const ENCODED = [
  '&lt;script&gt;§X&lt;/script&gt;',
  '&amp;lt;script&amp;gt;§X&amp;lt;/script&amp;gt;',
  '&#60;script&#62;§X&#60;/script&#62;',
  '&#x3C;img src=x onerror=§X&#x3E;',
  '&#0000060;img src=x onerror=§X&#0000062;',
  '&LT;svg onload=§X&GT;',
  '%3Cscript%3E§X%3C%2Fscript%3E',
  '%253Cscript%253E§X%253C%252Fscript%253E',
  '\\x3cscript\\x3e§X\\x3c/script\\x3e',
  '\\u003cscript\\u003e§X\\u003c/script\\u003e',
  '\\74script\\76§X\\74/script\\76',
  '\\3c script\\3e §X\\3c /script\\3e ',
  '+ADw-script+AD4-§X+ADw-/script+AD4-',
  '<script\u0000>§X</script>',
  '<img src=x onerror\u0000=§X>',
  '<a href="java\u0000script:§X">x</a>',
  '\u0000<script>§X</script>',
  '<scr\u0000ipt>§X</scr\u0000ipt>',
  '\u202E<script>§X</script>',
  '\u202E>tpircs/<§X>tpircs<',
  '\u2066\u202Egnp.<img src=x onerror=§X>\u2069',
  '\u200F<img src=x onerror=§X>\u200E',
  '<scr\u200Bipt>§X</scr\u200Bipt>',
  '\uFEFF<script>§X</script>',
  '<img src=x one\u200Drror=§X>',
  '\u00A0<script>§X</script>\u00A0',
  '<scr\u0131pt>§X</scr\u0131pt>',
  '<\u017Fcript>§X</\u017Fcript>',
  '<script>§X</script>\r\n<img src=x onerror=§X>',
];

/** Ordinary-looking wrappers: the payload inside a sentence, and after a breakout. */
const CONTEXTS: readonly (readonly [string, string])[] = [
  ['Hi! ', ' :)'],
  ['"\'></p></bdi>', '<!--'],
];

/**
 * Bases also respelled: full width (＜script＞), look-alike brackets, entity, URL (once and twice)
 * and JSON encoded, upper case, inside a right-to-left override, and with a null byte.
 */
const RESPELLED = [
  '<script>§X</script>',
  '<img src=x onerror=§X>',
  '<svg onload=§X>',
  '<a href="javascript:§X">x</a>',
  '<iframe srcdoc="<script>§X</script>">',
  '<details open ontoggle=§X>',
  '<input autofocus onfocus=§X>',
  '<body onload=§X>',
  "{{constructor.constructor('§X')()}}",
  '[x](javascript:§X)',
];

type Make = (id: number) => string;

const scriptTag = (id: number): string => `<script>${SENTINEL}(${id})</script>`;

function fill(template: string, id: number): string {
  return template
    .replaceAll('§X', `${SENTINEL}(${id})`)
    .replaceAll('§ID', String(id))
    .replaceAll('§URL', FORBIDDEN_ORIGIN)
    .replaceAll('§B64', Buffer.from(scriptTag(id)).toString('base64'));
}

/** ASCII to its full-width forms (＜ｓｃｒｉｐｔ＞). */
function fullWidth(text: string): string {
  return text.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));
}

function entities(text: string): string {
  return text.replace(/[<>"'&]/g, (char) => `&#x${char.charCodeAt(0).toString(16)};`);
}

function makers(): Make[] {
  const all: Make[] = [];
  const bases = [
    ...SCRIPTS,
    ...HANDLERS,
    ...URLS,
    ...LOADS,
    ...TEMPLATES,
    ...MARKDOWN,
    ...BREAKOUTS,
    ...MUTATIONS,
    ...ENCODED,
  ];
  bases.forEach((base, index) => {
    all.push((id) => fill(base, id));
    // Every other base once more, inside a sentence or after a breakout by turns.
    if (index % 2 === 1) {
      const [prefix, suffix] = CONTEXTS[((index - 1) / 2) % CONTEXTS.length]!;
      all.push((id) => prefix + fill(base, id) + suffix);
    }
  });
  for (const base of RESPELLED) {
    all.push((id) => fullWidth(fill(base, id)));
    all.push((id) => fill(base, id).replace(/[<>]/g, (c) => (c === '<' ? '\u2039' : '\u203A')));
    all.push((id) => fill(base, id).replace(/[<>]/g, (c) => (c === '<' ? '\uFE64' : '\uFE65')));
    all.push((id) => entities(fill(base, id)));
    all.push((id) => encodeURIComponent(fill(base, id)));
    all.push((id) => encodeURIComponent(encodeURIComponent(fill(base, id))));
    all.push((id) => JSON.stringify(fill(base, id)));
    all.push((id) => fill(base, id).toUpperCase().replace('KNOCKXSS', SENTINEL));
    all.push((id) => `\u202E${fill(base, id)}\u202C`);
    all.push((id) => fill(base, id).replace('<', '<\u0000'));
  }
  // Long ones: one just under the composer's 4000-character cap, one of many lines.
  all.push((id) => {
    const unit = `<img src=x onerror=${SENTINEL}(${id})>`;
    return unit.repeat(Math.floor(3990 / unit.length));
  });
  all.push((id) =>
    Array.from({ length: 40 }, (_, line) => `<svg onload=${SENTINEL}(${id})>${line}`).join('\n'),
  );
  // The same payload made twice (a respelling that changes nothing) is kept once.
  const seen = new Set<string>();
  return all.filter((make) => {
    const shape = make(-1);
    if (seen.has(shape)) return false;
    seen.add(shape);
    return true;
  });
}

/** Every vector, with ids 0 … n-1 in order. */
export const XSS_VECTORS: readonly XssVector[] = makers().map((make, id) => ({
  id,
  text: make(id),
}));
