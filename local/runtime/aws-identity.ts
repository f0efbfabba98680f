/** The account and region ARNs are built with locally. Cosmetic, but they must agree across emulators and events. */
export interface AwsIdentity {
  readonly region: string;
  readonly accountId: string;
}

/** local-aws-sqs builds queue ARNs with this account id; the rest of the local runtime uses the same one. */
export const LOCAL_ACCOUNT_ID = '123456789012';
