// The guest page's first load — its HTML and every script and style that HTML loads — must stay
// within 60 KB gzipped (the budget: guests open links on slow phones). Read from the
// built page so that a new preloaded chunk cannot escape the count.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, 'apps', 'guest', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const loaded = [...html.matchAll(/(?:src|href)="\/j\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) =>
  join(dist, match[1]),
);

module.exports = [
  {
    name: 'guest page, first load (HTML, JS, CSS)',
    path: [join(dist, 'index.html'), ...loaded],
    limit: '60 KB',
    gzip: true,
  },
];
