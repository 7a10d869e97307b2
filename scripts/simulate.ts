/**
 * `npm run simulate`: realistic traffic for the demo portfolio. Sends cases from each model's
 * generator (lib/demo/portfolio.ts: loan applications, card payments, subscribers at renewal) to
 * the worker over HTTP (one per request, at --rate per second in all, shared by --model's weights),
 * then sends each true outcome back after --outcome-delay seconds, as a lender learns defaults
 * later, with the business value of the decision the model made (the model's value matrix: for
 * credit +margin × amount when an approved loan is repaid, −LGD × amount when it defaults), which
 * the A/B panel of a canary compares. With --drift-after, a credit drift episode starts: incomes
 * fall (--drift-income-factor) and young applicants, a riskier sub-population, grow to
 * --drift-young-share of traffic and carry more debt (--drift-young-debt), so their approval rate
 * falls: a fairness change the monitors must show.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { decisionValueUsd, DEMO_DATASETS, type TDemoCase, type TDemoDataset } from "@/lib/demo/portfolio";
import { createRandom } from "@/lib/random";

// Share of requests per model: loan applications and card payments dominate; renewals are enough to fill the churn canary's A/B panel.
const MODEL_WEIGHTS: Record<TDemoDataset["slug"], number> = { "credit-default": 0.5, "card-fraud": 0.25, "subscription-churn": 0.25 };

type TOptions = {
  url: string;
  apiKey?: string;
  model: string;
  rate: string;
  duration?: string;
  driftAfter?: string;
  driftIncomeFactor: string;
  driftYoungShare: string;
  driftYoungDebt: string;
  outcomeDelay: string;
  outcomeShare: string;
  seed: string;
  quiet?: boolean;
};

const program = new Command()
  .name("simulate")
  .description("Send realistic demo traffic and delayed outcomes to the worker")
  .option("--url <url>", "worker URL", process.env.WORKER_URL ?? `http://127.0.0.1:${process.env.WORKER_PORT ?? 3001}`)
  .option("--api-key <key>", "API key (default: OVERSIGHT_API_KEY or .data/demo-api-key)")
  .option("--model <slugs>", "models to call, comma-separated", Object.keys(MODEL_WEIGHTS).join(","))
  .option("--rate <perSecond>", "requests per second", "5")
  .option("--duration <seconds>", "stop after this many seconds (default: run until stopped)")
  .option("--drift-after <seconds>", "start the drift episode after this many seconds")
  .option("--drift-income-factor <factor>", "income multiplier during the episode", "0.75")
  .option("--drift-young-share <share>", "share of under-25 applicants during the episode", "0.35")
  .option("--drift-young-debt <increase>", "extra debt-to-income of under-25 applicants during the episode", "0.15")
  .option("--outcome-delay <seconds>", "seconds until a prediction's true outcome is sent", "20")
  .option("--outcome-share <share>", "share of predictions whose outcome ever arrives", "0.8")
  .option("--seed <n>", "random seed of the generated applications", "1")
  .option("--quiet", "print only errors");

function number(value: string | undefined, name: string, { min, max }: { min: number; max: number }): number {
  const parsed = Number(value);
  if (value === undefined || !Number.isFinite(parsed) || parsed < min || parsed > max) {
    console.error(`--${name} must be a number between ${min} and ${max}, got ${value}`);
    process.exit(2);
  }
  return parsed;
}

async function main() {
  const options = program.parse().opts<TOptions>();
  const apiKeyFile = path.resolve(".data/demo-api-key");
  const apiKey =
    options.apiKey ?? process.env.OVERSIGHT_API_KEY ?? (fs.existsSync(apiKeyFile) ? fs.readFileSync(apiKeyFile, "utf8").trim() : undefined);
  if (!apiKey) {
    console.error("No API key: pass --api-key, set OVERSIGHT_API_KEY, or run npm start once.");
    process.exit(2);
  }
  const slugs = options.model.split(",").map((slug) => slug.trim());
  const unknown = slugs.find((slug) => !(slug in DEMO_DATASETS));
  if (unknown !== undefined) {
    console.error(`--model must name demo models (${Object.keys(DEMO_DATASETS).join(", ")}), got ${unknown}`);
    process.exit(2);
  }
  const datasets = slugs.map((slug) => DEMO_DATASETS[slug as TDemoDataset["slug"]]);
  const rate = number(options.rate, "rate", { min: 0.1, max: 5_000 });
  const durationMs = options.duration ? number(options.duration, "duration", { min: 1, max: 1e9 }) * 1000 : Infinity;
  const driftAfterMs = options.driftAfter ? number(options.driftAfter, "drift-after", { min: 0, max: 1e9 }) * 1000 : Infinity;
  const drift = {
    incomeShiftFactor: number(options.driftIncomeFactor, "drift-income-factor", { min: 0.1, max: 10 }),
    youngApplicantShare: number(options.driftYoungShare, "drift-young-share", { min: 0, max: 1 }),
    youngDebtIncrease: number(options.driftYoungDebt, "drift-young-debt", { min: 0, max: 0.5 }),
  };
  const outcomeDelayMs = number(options.outcomeDelay, "outcome-delay", { min: 0, max: 1e7 }) * 1000;
  const outcomeShare = number(options.outcomeShare, "outcome-share", { min: 0, max: 1 });
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  const log = (line: string) => options.quiet || console.log(`[simulate] ${line}`);

  const started = Date.now();
  const baseSeed = number(options.seed, "seed", { min: 0, max: 2 ** 31 }) * 1_000;
  const pick = createRandom(baseSeed);
  const batches = new Map<TDemoDataset["slug"], { seed: number; cases: TDemoCase[] }>(
    datasets.map((dataset, index) => [dataset.slug, { seed: baseSeed + index * 100_000_000, cases: [] }]),
  );
  const pendingOutcomes: Array<{ dueAt: number; predictionId: string; label: string; value: number }> = [];
  let sent = 0;
  let failed = 0;
  let stopping = false;
  process.on("SIGINT", () => (stopping = true));
  process.on("SIGTERM", () => (stopping = true));

  const flushOutcomes = async () => {
    const due = pendingOutcomes.filter((outcome) => outcome.dueAt <= Date.now());
    if (due.length === 0) return;
    pendingOutcomes.splice(0, pendingOutcomes.length, ...pendingOutcomes.filter((outcome) => outcome.dueAt > Date.now()));
    const response = await fetch(`${options.url}/api/v1/outcomes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ outcomes: due.map(({ predictionId, label, value }) => ({ predictionId, label, value })) }),
    }).catch(() => null);
    if (!response?.ok) log(`outcomes not accepted (${response?.status ?? "no connection"})`);
  };

  let lastReport = Date.now();
  while (!stopping && Date.now() - started < durationMs) {
    const drifting = Date.now() - started >= driftAfterMs;
    const dataset = pick.choice(
      datasets,
      datasets.map((candidate) => MODEL_WEIGHTS[candidate.slug]),
    );
    const batch = batches.get(dataset.slug)!;
    if (batch.cases.length === 0) {
      batch.seed += 1;
      batch.cases = dataset.generate({ count: 100, seed: batch.seed, drift: drifting ? drift : undefined });
    }
    const item = batch.cases.pop()!;
    const response = await fetch(`${options.url}/api/v1/models/${dataset.slug}/predict`, {
      method: "POST",
      headers,
      body: JSON.stringify({ instances: [item.instance] }),
    }).catch(() => null);
    if (response?.ok) {
      const body = (await response.json()) as { predictions: Array<{ predictionId: string; label: string }> };
      sent += 1;
      const [prediction] = body.predictions;
      if (Math.random() < outcomeShare)
        pendingOutcomes.push({
          dueAt: Date.now() + outcomeDelayMs,
          predictionId: prediction.predictionId,
          label: item.positive ? dataset.positiveLabel : dataset.negativeLabel,
          // What the decision the caller received was worth, as the model's value matrix prices it.
          value: decisionValueUsd(dataset.valueMatrix, {
            predictedPositive: prediction.label === dataset.positiveLabel,
            positive: item.positive,
            scaleUsd: item.scaleUsd,
          }),
        });
    } else {
      failed += 1;
      if (failed % 50 === 1)
        log(`prediction failed (${response?.status ?? "no connection"}): ${response ? await response.text() : "is the worker running?"}`);
    }
    await flushOutcomes();
    if (Date.now() - lastReport > 30_000) {
      log(`${sent} predictions sent${drifting ? " (drift episode)" : ""}, ${failed} failed, ${pendingOutcomes.length} outcomes pending`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
  log(`done: ${sent} predictions sent, ${failed} failed`);
}

main().catch((error) => {
  console.error(`[simulate] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
