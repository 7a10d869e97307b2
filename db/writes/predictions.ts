import { and, inArray, ne, sql } from "drizzle-orm";
import type { TDatabase, TDb } from "../connection";
import { predictions, reviewItems } from "../schema";

export type TPredictionRecord = typeof predictions.$inferInsert & { id: string; createdAt: Date };
/** The review item a prediction raised, with that prediction's attributes (for the transparency report's groups); the other columns take their defaults. */
export type TReviewRecord = Pick<
  typeof reviewItems.$inferInsert,
  "predictionId" | "predictionCreatedAt" | "modelId" | "modelVersionId" | "reason" | "dueAt"
> & { attributes: Record<string, unknown> };

/** A `requestId` seen again within this window is answered with its first answer and stores nothing new (see db/README.md). */
const IDEMPOTENCY_WINDOW_HOURS = 24;

/** The first answer given to a request id of a model: what a retry of it gets back. */
export type TFirstAnswer = { modelId: string; answer: TStoredAnswer };
export type TStoredAnswer = {
  requestId: string;
  predictionId: string;
  probability: number;
  label: string;
  modelVersion: string | null;
  role: "champion" | "challenger" | "fallback";
  sentToReview: boolean;
  reviewReason: NonNullable<TReviewRecord["reason"]> | null;
};

/**
 * Writes a batch of predictions and the review items they raised in one transaction, so a prediction
 * is never stored without its review item (the worker's group commit).
 *
 * Idempotent per (model, requestId) within IDEMPOTENCY_WINDOW_HOURS: a request id already answered is not
 * stored again (nor its shadow row or review item), and its first answer is returned instead. A
 * transaction-scoped advisory lock per key makes concurrent retries (other flushes, other workers)
 * wait for the first to commit, with no unique index (a partitioned table's would need created_at in it).
 * Each (model, requestId) must appear at most once per call among the answered (non-shadow) rows.
 *
 * `generatedRequestIds` are ids the worker made up itself (UUIDs with 74 random bits, for requests that sent none): no
 * earlier answer can exist and no concurrent retry can hold one (a caller learns it only from the
 * committed answer), so their rows skip the locks and the lookup. A batch of only those is one statement.
 * Otherwise two round trips on one connection: BEGIN, the locks and the lookup of earlier answers,
 * pipelined; then the insert of the rest and COMMIT (and one more between them when some key was
 * answered before, for its version and review reason). Rows travel as JSON parameters, so the inserts are
 * prepared once per connection whatever the batch size, and no SQL is built per row.
 */
export async function insertPredictionBatch(
  db: TDatabase,
  batch: { predictions: TPredictionRecord[]; reviews: TReviewRecord[]; generatedRequestIds?: ReadonlySet<string> },
): Promise<{ firstAnswers: TFirstAnswer[] }> {
  const generated = batch.generatedRequestIds;
  const keys = batch.predictions
    .filter((row) => row.role !== "shadow" && !generated?.has(row.requestId))
    .map((row) => [row.modelId, row.requestId]);
  // A single statement is its own transaction.
  if (keys.length === 0) {
    await insertRows(db.$client, batch.predictions, batch.reviews);
    return { firstAnswers: [] };
  }
  const since = new Date(Date.now() - IDEMPOTENCY_WINDOW_HOURS * 3_600_000).toISOString();
  const keysJson = JSON.stringify(keys);
  const connection = await db.$client.reserve();
  try {
    // Queued without awaiting each, so postgres.js sends them back to back.
    const lookup = await allSettledOrFirstFailure([
      connection`begin`,
      // Locks taken in key order, so two flushes holding common keys cannot deadlock. A statement of its own:
      // the lookup's snapshot is taken after the locks, so it sees what a concurrent holder committed.
      connection`select pg_advisory_xact_lock(key) from (select distinct hashtextextended((k->>0) || ':' || (k->>1), 0) as key
        from jsonb_array_elements(${keysJson}::text::jsonb) as k order by key) as keys`,
      // Unnamed (not prepared): planned with the window's bound, so PostgreSQL prunes partitions when planning
      // and locks ~10 relations, not every partition and index (126 at 30 partitions; `npm run bench:partitions`).
      // It is planned at every flush, hence one table and no joins: planning the earlier statement with its joins
      // cost ~300 µs per flush (pg_stat_statements), five times its execution.
      connection.unsafe<TEarlierRow[]>(EARLIER_STATEMENT, [keysJson, since], { prepare: false }),
    ]);
    const firstByKey = await firstAnswersOf(connection, keys, lookup[2] as TEarlierRow[]);
    // A request answered before stores nothing again: not its rows, not its shadow's, not their review items.
    const stored = batch.predictions.filter((row) => !firstByKey.has(keyOf(row.modelId, row.requestId)));
    const storedIds = new Set(stored.map((row) => row.id));
    const reviews = batch.reviews.filter((review) => storedIds.has(review.predictionId));
    await allSettledOrFirstFailure([...(stored.length === 0 ? [] : [insertRows(connection, stored, reviews)]), connection`commit`]);
    return { firstAnswers: [...firstByKey.values()] };
  } catch (error) {
    // Any step failed: nothing of the batch stays (after a failed COMMIT this is a no-op).
    await connection`rollback`.catch(() => {});
    throw error;
  } finally {
    connection.release();
  }
}

/**
 * Waits for every pipelined statement, then throws the first failure: after one fails the later ones fail
 * too (25P02), and the connection must be idle before it is rolled back and released.
 */
async function allSettledOrFirstFailure(steps: Array<Promise<unknown>>): Promise<unknown[]> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((step) => step.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((step) => (step as PromiseFulfilledResult<unknown>).value);
}

const keyOf = (modelId: string, requestId: string) => `${modelId}\u0000${requestId}`;

/**
 * The first answer to each key among the stored candidates (oldest first; the lookup matched request ids
 * only). A retry is rare, so the version and the review reason are read only for the keys answered before.
 */
async function firstAnswersOf(
  connection: Pick<TDatabase["$client"], "unsafe">,
  keys: string[][],
  candidates: TEarlierRow[],
): Promise<Map<string, TFirstAnswer>> {
  const wanted = new Set(keys.map(([modelId, requestId]) => keyOf(modelId, requestId)));
  const first = new Map<string, TEarlierRow>();
  for (const row of candidates) {
    const key = keyOf(row.modelId, row.requestId);
    if (wanted.has(key) && !first.has(key)) first.set(key, row);
  }
  const answers = new Map<string, TFirstAnswer>();
  if (first.size === 0) return answers;
  const details = await connection.unsafe<
    Array<{ predictionId: string; modelVersion: string | null; reviewReason: TStoredAnswer["reviewReason"] }>
  >(
    ANSWER_DETAILS_STATEMENT,
    [JSON.stringify([...first.values()].map((row) => ({ id: row.predictionId, modelVersionId: row.modelVersionId })))],
    { prepare: true },
  );
  const detailsById = new Map(details.map((row) => [row.predictionId, row]));
  for (const [key, row] of first) {
    const detail = detailsById.get(row.predictionId);
    answers.set(key, {
      modelId: row.modelId,
      answer: {
        requestId: row.requestId,
        predictionId: row.predictionId,
        probability: row.probability,
        label: row.label,
        modelVersion: detail?.modelVersion ?? null,
        role: row.role as TStoredAnswer["role"],
        sentToReview: row.sentToReview,
        reviewReason: detail?.reviewReason ?? null,
      },
    });
  }
  return answers;
}

/**
 * One prepared statement that stores predictions and the review items they raised, on the pool or on a
 * reserved connection. Without review items it leaves review_items alone (whose statement triggers fire even for no rows).
 */
function insertRows(sql: Pick<TDatabase["$client"], "unsafe">, predictions: TPredictionRecord[], reviews: TReviewRecord[]) {
  // The records travel as they are (keys are the SQL's quoted column aliases below): no copy per row.
  const predictionsJson = JSON.stringify(predictions);
  return reviews.length === 0
    ? sql.unsafe(INSERT_STATEMENT, [predictionsJson], { prepare: true })
    : sql.unsafe(INSERT_WITH_REVIEWS_STATEMENT, [predictionsJson, JSON.stringify(reviews)], { prepare: true });
}

type TEarlierRow = Omit<TStoredAnswer, "role" | "modelVersion" | "reviewReason"> & {
  modelId: string;
  modelVersionId: string | null;
  role: string;
};

const PREDICTION_COLUMNS =
  "id, created_at, model_id, model_version_id, role, request_id, api_key_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review";
// TPredictionRecord's keys; an absent optional key reads as NULL, hence the coalesces for the defaults.
const BATCH_VALUES = `id, "createdAt", "modelId", "modelVersionId", role, "requestId", "apiKeyId", features, coalesce(attributes, '{}'),
  probability, label, confidence, "latencyMs", coalesce("sentToReview", false)`;
const BATCH_ROWS = `jsonb_to_recordset($1::text::jsonb) as b(id uuid, "createdAt" timestamptz, "modelId" uuid, "modelVersionId" uuid,
  role text, "requestId" text, "apiKeyId" uuid, features real[], attributes jsonb, probability float8, label text,
  confidence float8, "latencyMs" real, "sentToReview" boolean)`;
// Each item carries its prediction's attributes (the worker sends them along, so $1 is not read twice).
const REVIEW_INSERT = `insert into review_items (prediction_id, prediction_created_at, model_id, model_version_id, reason, due_at, attributes)
  select "predictionId", "predictionCreatedAt", "modelId", "modelVersionId", reason, "dueAt", attributes
  from jsonb_to_recordset($2::text::jsonb) as r("predictionId" uuid, "predictionCreatedAt" timestamptz, "modelId" uuid,
    "modelVersionId" uuid, reason text, "dueAt" timestamptz, attributes jsonb)`;

/** $1 the predictions (a JSON array): every row is stored. */
const INSERT_STATEMENT = `insert into predictions (${PREDICTION_COLUMNS}) select ${BATCH_VALUES} from ${BATCH_ROWS}`;
/** As INSERT_STATEMENT, with $2 the review items they raised. */
const INSERT_WITH_REVIEWS_STATEMENT = `with reviews as (${REVIEW_INSERT}) ${INSERT_STATEMENT}`;

/**
 * Stored answers ($1: a JSON array of [model, requestId] pairs; matched here by request id only, the model
 * is checked by the caller) since $2 (the start of the idempotency window), oldest first, shadow rows aside.
 * One table, so request_id's index finds the few candidates: with the model in the scan the planner also
 * walked (model_id, created_at), every prediction of the model in the window (4.4 ms at 83,000, growing).
 */
const EARLIER_STATEMENT = `select p.id as "predictionId", p.model_id as "modelId", p.request_id as "requestId", p.probability, p.label,
  p.model_version_id as "modelVersionId", p.role, p.sent_to_review as "sentToReview"
from predictions p
where p.request_id = any(array(select k->>1 from jsonb_array_elements($1::text::jsonb) as k))
  and p.created_at > $2::timestamptz and p.role <> 'shadow'
order by p.created_at`;

/** For first answers found ($1: [{id, modelVersionId}]): the version's name and the reason of the prediction's first review item. */
const ANSWER_DETAILS_STATEMENT = `select e.id as "predictionId", v.version as "modelVersion",
  (select ri.reason from review_items ri where ri.prediction_id = e.id order by ri.created_at, ri.id limit 1) as "reviewReason"
from jsonb_to_recordset($1::text::jsonb) as e(id uuid, "modelVersionId" uuid)
left join model_versions v on v.id = e."modelVersionId"`;

/** Creates the current month's partition of `predictions` and `monthsAhead` more (a no-op for those that exist). */
export async function ensurePredictionPartitions(db: TDb, monthsAhead: number): Promise<void> {
  await db.execute(sql`select oversight_ensure_prediction_partitions(${monthsAhead})`);
}

/** The answered (non-shadow) predictions stored under these request ids, for checking acknowledgements (`npm run chaos`). */
export async function findAnsweredPredictions(db: TDb, requestIds: string[]): Promise<Array<{ id: string; requestId: string }>> {
  if (requestIds.length === 0) return [];
  return db
    .select({ id: predictions.id, requestId: predictions.requestId })
    .from(predictions)
    .where(and(inArray(predictions.requestId, requestIds), ne(predictions.role, "shadow")));
}
