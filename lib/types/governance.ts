/** Shadow vs champion on the same requests in one UTC hour (db/queries/governance.ts → the shadow comparison chart). */
export type TShadowPoint = { hour: string; pairs: number; agreementRate: number; meanAbsScoreDifference: number };
