import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Yoga's GET and form-encoded parsers JSON.parse `variables` and `extensions` unguarded, so text
 * that is not JSON would surface as a masked 500. Any error a parser throws that is not already a
 * GraphQL error is the client's malformed request: it becomes a 400.
 */
export const clientErrorsFromParsers: Plugin = {
  onRequestParse({ requestParser, setRequestParser }) {
    if (!requestParser) return;
    setRequestParser(async (request) => {
      try {
        return await requestParser(request);
      } catch (error) {
        if (error instanceof Error && error.name === 'GraphQLError') throw error;
        throw createGraphQLError('The request parameters or body could not be parsed (variables and extensions must be JSON).', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      }
    });
  },
};

/**
 * Yoga answers some refusals with no body at all: 415 for a Content-Type it does not read, 406 for
 * an Accept that rules out JSON, 404 off its endpoint. Every error here carries a JSON `errors`
 * body, as clients of /graphql expect.
 */
export const jsonErrorBodies: Plugin = {
  onResponse({ response, setResponse, fetchAPI }) {
    if (response.status < 400 || response.body !== null) return;
    const headers = new fetchAPI.Headers(response.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    const [code, message] = EMPTY_REFUSALS[response.status] ?? ['BAD_REQUEST', response.statusText || `HTTP ${response.status}`];
    const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
    setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
  },
};

const EMPTY_REFUSALS: Record<number, [code: string, message: string]> = {
  404: ['NOT_FOUND', 'Not Found'],
  406: ['NOT_ACCEPTABLE', 'Not Acceptable: accept application/json or application/graphql-response+json.'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: send application/json (or application/graphql, or a form-encoded body).'],
};
