/** Ends each request's transaction (a scoped request reads in one) once its response is ready, whatever happened. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context';

export const requestTransactionPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue }) {
        // The transaction is read-only: if the database went away meanwhile, there is nothing to lose by not ending it
        // cleanly (the connection is discarded), and the response already carries the error.
        await contextValue.finish().catch(() => undefined);
      },
    };
  },
};
