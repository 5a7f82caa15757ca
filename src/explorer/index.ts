/**
 * The explorer page at GET /explorer: a static page (src/explorer/public, plain HTML, CSS and JS, not compiled) and
 * Chart.js's UMD build from node_modules, all served by this server (no CDN: works offline). The page talks to
 * POST /graphql and /export.* like any client, so it needs no server code of its own.
 */
import path from 'node:path';
import express from 'express';
import { projectRoot } from '../paths';

/** The page's folder in the source tree: dist/ holds compiled .ts only, so both `npm start` and ts-jest read it here. */
export function explorerDir(): string {
  return path.join(projectRoot(), 'src', 'explorer', 'public');
}

/** Chart.js's UMD build (its package exports neither package.json nor dist/ files: go from its CommonJS entry, dist/chart.cjs). */
function chartJsFile(): string {
  return path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
}

/** Same origin only; Chart.js sets canvas sizes through inline styles. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function explorerRouter(): express.Router {
  const dir = explorerDir();
  const chartJs = chartJsFile();
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  router.get('/', (_req, res) => res.sendFile(path.join(dir, 'index.html'), { maxAge: 0 }));
  router.get('/chart.umd.js', (_req, res) => res.sendFile(chartJs, { maxAge: '1d' }));
  router.use(express.static(dir, { index: false, maxAge: '1h', fallthrough: true }));
  return router;
}
