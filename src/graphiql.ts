/**
 * GraphiQL served from the installed packages' own files (no CDN: works offline), with an example rollup query.
 */
import path from 'node:path';
import express from 'express';

export const EXAMPLE_QUERY = `# Quảng Ninh, full year 2023: the figures of the published report.
# The province as it stood at the end of 2023 (asOf); drop asOf for today's tree. Change the period
# (fromMonth / toMonth) or the unit code, or open a unit's children to drill down.
query ProvinceRollup {
  unit(code: "QN", asOf: "2023-12-31") {
    name
    descendantCount
    rollup(period: { year: 2023 }) {
      documents { directives guidance }
      campaigns {
        total completed cancelled programmed arising
        byTier { tier total completed }
      }
      discipline {
        organizations members
        membersByCategory { category { name } count percent }
        byAuthority {
          authority organizations members
          membersByCategory { category { code } count percent }
        }
      }
    }
  }
}
`;

const ASSETS: Record<string, string> = {
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'graphiql.min.css': 'graphiql/graphiql.min.css',
};

function resolveAsset(spec: string): string {
  const [pkg, ...rest] = spec.split('/');
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), ...rest);
}

export function graphiqlAssets(): express.Router {
  const router = express.Router();
  for (const [name, spec] of Object.entries(ASSETS)) {
    const file = resolveAsset(spec);
    router.get(`/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
  return router;
}

export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>kiemtra — GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)}, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;
}
