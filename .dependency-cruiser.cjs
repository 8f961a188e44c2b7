/**
 * Import rules (see docs/architecture.md): no cycles; packages never import apps; protocol imports
 * no other workspace; the server never imports the SDK; the client never imports the server or
 * the UI; the browser apps import neither server code nor each other.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'packages-do-not-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/|@knock/(server|cli)' },
    },
    {
      name: 'protocol-stands-alone',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^(packages|apps)/(?!protocol/)|@knock/(?!protocol)' },
    },
    {
      name: 'crypto-stands-alone',
      severity: 'error',
      from: { path: '^packages/crypto/' },
      to: { path: '^(packages|apps)/(?!crypto/)|@knock/(?!crypto)' },
    },
    {
      name: 'server-does-not-use-the-sdk',
      severity: 'error',
      from: { path: '^apps/server/' },
      to: { path: '^packages/client/|@knock/client' },
    },
    {
      name: 'sdk-does-not-use-the-ui',
      severity: 'error',
      from: { path: '^packages/(client|crypto|protocol)/' },
      to: { path: '^packages/ui/|@knock/ui' },
    },
    {
      name: 'browser-apps-stand-apart',
      comment: 'Pages ship to browsers: never server code, the CLI, or the other app.',
      severity: 'error',
      from: { path: '^apps/(guest|web)/src/', pathNot: '[.]test[.]tsx?$' },
      to: { path: '^apps/(server|cli)/|@knock/(server|cli)' },
    },
    {
      name: 'guest-page-and-web-app-are-separate',
      severity: 'error',
      from: { path: '^apps/guest/' },
      to: { path: '^apps/web/' },
    },
    {
      name: 'web-app-and-guest-page-are-separate',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^apps/guest/' },
    },
    {
      name: 'no-importing-build-output',
      severity: 'error',
      from: {},
      to: { path: '/dist/', pathNot: 'node_modules' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-test|\.tsc|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'default'],
    },
    combinedDependencies: true,
  },
};
