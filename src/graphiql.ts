/**
 * GraphiQL served from the installed packages' own files (no CDN: works offline), with an example rollup query in
 * its first tab and the persisted example queries of queries/ in the next ones (read once, at startup).
 */
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { Kind, parse, valueFromASTUntyped } from 'graphql';
import { projectRoot } from './paths';

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

/** A persisted query of queries/, as a GraphiQL tab. */
export interface PersistedQuery {
  /** The file's name, e.g. `year-over-year.graphql`. */
  file: string;
  /** The file's text: its header comment and one operation. */
  query: string;
  /** Its variables' defaults as pretty JSON (the tab's Variables pane), `{}` when it has none. */
  variables: string;
}

/** The variables' default values of a document's operations (those without a default are left out). */
export function variableDefaults(query: string): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const definition of parse(query).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.defaultValue) defaults[variable.variable.name.value] = valueFromASTUntyped(variable.defaultValue);
    }
  }
  return defaults;
}

/** The `.graphql` files of `dir` (default: the project's queries/), by file name; none when the folder is missing. */
export function persistedQueries(dir = path.join(projectRoot(), 'queries')): PersistedQuery[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const query = fs.readFileSync(path.join(dir, file), 'utf8');
      let defaults: Record<string, unknown> = {};
      try {
        defaults = variableDefaults(query);
      } catch {
        // A file that does not parse still opens (GraphiQL shows the syntax error); test/queries.test.ts keeps ours valid.
      }
      return { file, query, variables: JSON.stringify(defaults, null, 2) };
    });
}

/** The tabs GraphiQL opens with (when the browser has none stored): the example, then the persisted queries. */
const TABS: { query: string; variables?: string }[] = [
  { query: EXAMPLE_QUERY },
  ...persistedQueries().map(({ query, variables }) => ({ query, variables })),
];

/** JSON that is safe inside a <script> element (no `</script>` or `<!--` can end it early). */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

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
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${scriptJson(EXAMPLE_QUERY)}, defaultTabs: ${scriptJson(TABS)}, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;
}
