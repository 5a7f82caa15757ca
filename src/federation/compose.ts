/**
 * Composes the supergraph committed as schema/supergraph.graphql: this API's subgraph alone, routed to
 * `http://127.0.0.1:4000/subgraph` (the default HOST and PORT). A gateway or router with other subgraphs composes
 * its own (`rover supergraph compose`, or composeSupergraph below); this file shows what ours contributes.
 *
 * Run: `node dist/src/federation/compose.js [out-file]` (standard output without a file). Uses @apollo/composition,
 * a development dependency: nothing in the server imports this module.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { subgraphSdl } from './subgraph';

/** The routing URL written into the committed supergraph. */
export const DEFAULT_SUBGRAPH_URL = 'http://127.0.0.1:4000/subgraph';

export interface SubgraphService {
  name: string;
  url: string;
  sdl: string;
}

/** Composes subgraphs into a supergraph SDL; throws with every composition error's message. */
export function composeSupergraph(services: SubgraphService[]): string {
  const result = composeServices(services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

/** The committed supergraph: this subgraph alone, named `kiemtra`. */
export async function supergraphSdl(url = DEFAULT_SUBGRAPH_URL): Promise<string> {
  const sdl = composeSupergraph([{ name: 'kiemtra', url, sdl: await subgraphSdl() }]);
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}

if (require.main === module) {
  supergraphSdl()
    .then((sdl) => {
      const out = process.argv[2];
      if (out) fs.writeFileSync(out, sdl);
      else process.stdout.write(sdl);
    })
    .catch((err: Error) => {
      process.stderr.write(`compose: ${err.message}\n`);
      process.exitCode = 1;
    });
}
