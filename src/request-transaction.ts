/** Ends each request's transaction (a scoped request reads in one) once its response is ready, whatever happened. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context';

export const requestTransactionPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue }) {
        await contextValue.finish();
      },
    };
  },
};
