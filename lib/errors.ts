/**
 * An expected refusal of the domain (a transition that is not allowed, a vote that breaks
 * four-eyes, …). Its message is written for the user and is safe to show as is; anything
 * that is not a DomainError is treated as a bug and shown only by reference id.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  /** Problems per input field (e.g. every bad row of an uploaded file), shown beside the message. */
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: string, message: string, status = 409, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
