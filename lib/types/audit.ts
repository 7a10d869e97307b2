export type TAuditRow = {
  id: string;
  sequence: number;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  modelId: string | null;
  modelSlug: string | null;
  input: Record<string, unknown>;
  previousHash: string;
  hash: string;
};
