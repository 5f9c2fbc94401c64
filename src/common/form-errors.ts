import type { Response } from 'express';
import { UserInputError } from '../users/user-input.error.js';

/**
 * Shows a form again after bad input: status 400, one message per field, and what the
 * person typed (the caller leaves passwords out of `values`). Other errors propagate.
 */
export function renderFormError(
  res: Response,
  error: unknown,
  view: string,
  context: Record<string, unknown>,
): void {
  if (!(error instanceof UserInputError)) throw error;
  res.status(400).render(view, { ...context, errors: error.fieldErrors, errorSummary: error.message });
}
