/** One request as the double's handlers see it: the path below the API's prefix, the parsed JSON body. */
export interface DoubleRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, any>;
  /** http://127.0.0.1:PORT, for self links. */
  readonly base: string;
}

/** A handler's answer; undefined from a handler means "not my path". */
export interface DoubleResponse {
  readonly status: number;
  readonly body: unknown;
}

export type Handler = (
  req: DoubleRequest,
) => DoubleResponse | undefined | Promise<DoubleResponse | undefined>;

export function ok(body: unknown): DoubleResponse {
  return { status: 200, body };
}
