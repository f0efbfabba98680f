/**
 * Creating a record with an external id the tenant already uses is not an error for the importer (re-running a file
 * changes nothing) but is for the API (409): services return which case it was and let the caller decide.
 */
export type CreateOutcome<T> =
  | { outcome: 'created'; record: T }
  | { outcome: 'duplicate'; existing: { customerId: string; recordId: string } };
