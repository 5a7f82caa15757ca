/**
 * Prepares each request's context once its operation is parsed and validated (a refused query costs no SQL: for a
 * scoped caller, preparing resolves the scope and opens the row-level-security transaction), and ends that
 * transaction once the response is ready, whatever happened.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context';

export const requestTransactionPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue }) {
        await contextValue.prepare();
      },
      async willSendResponse({ contextValue }) {
        // The transaction is read-only: if the database went away meanwhile, there is nothing to lose by not ending it
        // cleanly (the connection is discarded), and the response already carries the error.
        await contextValue.finish().catch(() => undefined);
      },
    };
  },
};
