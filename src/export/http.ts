/**
 * `GET /export.csv` and `GET /export.xlsx`: an `aggregate` or a unit's children table as a download, with the
 * parameters of args.ts in the query string. Authenticated, authorized and scoped exactly like /graphql (the
 * caller from the bearer token, the ANALYST role, the scope enforced by the request context). Errors are JSON
 * `{ errors: [{ message, extensions: { code } }] }` with 400, 401, 403, 404 or 503, never a stack trace or SQL;
 * the log gets the error class only, never the parameters or the caller.
 */
import type { Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Orm } from '../db';
import type { Logger } from '../logger';
import type { Caller } from '../auth/caller';
import { contentDisposition, runExport, type Format } from './index';
import { parseExportParams, type RawParams } from './args';

export interface ExportRouteOptions {
  orm: Orm;
  logger: Logger;
  timeZone?: string;
  /** The request's caller (server.ts's callerOf): throws an UNAUTHENTICATED GraphQLError for a missing or bad token. */
  callerOf(req: Request): Promise<Caller>;
}

/** The HTTP status of each client error code. */
const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
};

function sendError(res: Response, logger: Logger, err: unknown): void {
  const code = err instanceof GraphQLError ? err.extensions.code : undefined;
  if (err instanceof GraphQLError && typeof code === 'string' && code in STATUS) {
    const http = err.extensions.http as { headers?: Map<string, string> } | undefined;
    for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
    const field = err.extensions.field;
    res.status(STATUS[code]).json({ errors: [{ message: err.message, extensions: { code, ...(typeof field === 'string' ? { field } : {}) } }] });
    return;
  }
  // Unexpected: a driver's message can quote SQL and values, so the client gets a generic line and the log the class.
  const frames = (err as Error)?.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 5).join('\n');
  logger.error({ err: { type: (err as Error)?.name, stack: frames } }, 'export failed');
  res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

export function exportHandler(format: Format, options: ExportRouteOptions): RequestHandler {
  return async (req, res) => {
    try {
      const caller = await options.callerOf(req);
      const request = parseExportParams(req.query as RawParams, 'query');
      const file = await runExport(options.orm, caller, request, format, { timeZone: options.timeZone });
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Disposition', contentDisposition(file.filename));
      res.setHeader('Content-Length', String(file.body.length));
      // Scoped data: never from a shared cache.
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.status(200).end(file.body);
    } catch (err) {
      sendError(res, options.logger, err);
    }
  };
}
