import { z } from "zod";
import { GATE_STATUSES } from "@/lib/governance/policy";
import { ZKpiSubmission, ZKpiValue } from "@/lib/kpis/input";
import { ZCreateModelInput } from "./model-input";
import { ZRegisterVersionInput } from "./version-input";

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const error = {
  type: "object",
  required: ["error", "message"],
  properties: {
    error: { type: "string" },
    message: { type: "string" },
    errors: {
      type: "array",
      items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } },
    },
  },
};
const nullableString = { type: ["string", "null"] };
const modelListItem = {
  type: "object",
  required: [
    "id",
    "slug",
    "displayName",
    "description",
    "riskTier",
    "ownerName",
    "versionCount",
    "latestVersion",
    "championVersion",
    "deploymentMode",
    "killSwitch",
    "updatedAt",
  ],
  properties: {
    id: { type: "string", format: "uuid" },
    slug: { type: "string" },
    displayName: { type: "string" },
    description: { type: "string" },
    riskTier: { enum: ["low", "medium", "high"] },
    ownerName: nullableString,
    versionCount: { type: "integer", minimum: 0 },
    latestVersion: nullableString,
    championVersion: nullableString,
    deploymentMode: { enum: ["off", "shadow", "canary"] },
    killSwitch: { type: "boolean" },
    updatedAt: { type: "string", format: "date-time" },
  },
};
const versionListItem = {
  type: "object",
  required: ["id", "version", "status", "artifactSha256", "createdAt", "offlineMetrics", "inputSchema", "outputSchema"],
  properties: {
    id: { type: "string", format: "uuid" },
    version: { type: "string" },
    status: { type: "string" },
    artifactSha256: { type: "string", pattern: "^[a-f0-9]{64}$" },
    createdAt: { type: "string", format: "date-time" },
    offlineMetrics: { type: "object" },
    inputSchema: { type: "object" },
    outputSchema: { type: "object" },
  },
};
const registered = {
  type: "object",
  required: ["id", "modelSlug", "version", "status", "artifactSha256", "referenceRows"],
  properties: {
    id: { type: "string", format: "uuid" },
    modelSlug: { type: "string" },
    version: { type: "string" },
    status: { const: "registered" },
    artifactSha256: { type: "string" },
    originalSha256: {
      type: "string",
      nullable: true,
      description: "the uploaded file's sha256 when registration rewrote it (ZipMap removed)",
    },
    changes: { type: "array", items: { type: "string" }, description: "what registration changed in the file, and why" },
    referenceRows: { type: "integer" },
  },
};
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    ]),
  );
const ok = (description: string, ref: string, code = "200") => ({
  [code]: { description, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } },
});

/** The OpenAPI 3.1 document of the app's REST API; request bodies are generated from the zod schemas that validate them. */
export function buildOpenApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Oversight registry API",
      version: "1.0.0",
      description:
        "Models, versions, model cards and business KPIs. Authenticate with a session cookie or 'Authorization: Bearer <API key>'.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: error,
        ModelListItem: modelListItem,
        ModelList: {
          type: "object",
          required: ["models"],
          properties: { models: { type: "array", items: { $ref: "#/components/schemas/ModelListItem" } } },
        },
        CreateModel: json(ZCreateModelInput),
        CreatedModel: {
          type: "object",
          required: ["id", "slug", "displayName", "riskTier"],
          properties: {
            id: { type: "string", format: "uuid" },
            slug: { type: "string" },
            displayName: { type: "string" },
            riskTier: { type: "string" },
          },
        },
        VersionListItem: versionListItem,
        VersionList: {
          type: "object",
          required: ["versions"],
          properties: { versions: { type: "array", items: { $ref: "#/components/schemas/VersionListItem" } } },
        },
        RegisterVersionMetadata: json(ZRegisterVersionInput),
        RegisteredVersion: registered,
        KpiValue: json(ZKpiValue),
        KpiSubmission: json(ZKpiSubmission),
        KpiValueList: {
          type: "object",
          required: ["model", "values"],
          properties: { model: { type: "string" }, values: { type: "array", items: { $ref: "#/components/schemas/KpiValue" } } },
        },
        KpiRecorded: {
          type: "object",
          required: ["model", "received", "inserted", "updated"],
          properties: {
            model: { type: "string" },
            received: { type: "integer", minimum: 1 },
            inserted: { type: "integer", minimum: 0 },
            updated: { type: "integer", minimum: 0 },
          },
        },
        ModelCard: {
          type: "object",
          required: ["model_details", "model_parameters", "quantitative_analysis", "considerations", "completeness"],
        },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/models": {
        get: { summary: "List models", responses: { ...ok("Models", "ModelList"), ...errors(401, 403) } },
        post: {
          summary: "Create a model (scientist, admin, or an API key with the registry scope)",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/CreateModel" } } } },
          responses: { ...ok("Created", "CreatedModel", "201"), ...errors(401, 403, 409, 422) },
        },
      },
      "/api/v1/models/{name}/versions": {
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        get: {
          summary: "List a model's versions, newest first",
          responses: { ...ok("Versions", "VersionList"), ...errors(401, 403, 404) },
        },
        post: {
          summary: "Register a version; the ONNX file is validated and nothing is stored if a check fails",
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["metadata", "onnx"],
                  properties: {
                    metadata: { type: "string", description: "JSON: RegisterVersionMetadata" },
                    onnx: { type: "string", format: "binary" },
                    reference: { type: "string", format: "binary", description: "CSV with a column per schema feature" },
                  },
                },
              },
            },
          },
          responses: { ...ok("Registered", "RegisteredVersion", "201"), ...errors(401, 403, 404, 409, 413, 415, 422) },
        },
      },
      "/api/v1/models/{name}/kpis": {
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        get: {
          summary: "A model's business KPI values, by metric then date",
          parameters: [
            { name: "metric", in: "query", required: false, schema: { type: "string", maxLength: 80 } },
            { name: "from", in: "query", required: false, schema: { type: "string", format: "date" } },
            { name: "to", in: "query", required: false, schema: { type: "string", format: "date" } },
          ],
          responses: { ...ok("KPI values", "KpiValueList"), ...errors(400, 401, 403, 404) },
        },
        post: {
          summary:
            "Record business KPI values (admin, scientist, committee, or an API key with the kpis scope): one value or { values } with up to 10,000; upserted on (model, metric, date), all or nothing",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/KpiSubmission" } } } },
          responses: { ...ok("Recorded", "KpiRecorded"), ...errors(400, 401, 403, 404, 413, 422) },
        },
      },
      "/api/v1/models/{name}/versions/{version}": {
        parameters: [
          { name: "name", in: "path", required: true, schema: { type: "string" } },
          { name: "version", in: "path", required: true, schema: { type: "string" } },
        ],
        get: {
          summary: "A version's status and the gates of its latest validation run",
          responses: {
            "200": {
              description: "Version with its gates",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["version", "status", "gates"],
                    properties: {
                      version: { type: "string" },
                      status: { type: "string" },
                      validationRun: { type: "object", nullable: true, properties: { status: { type: "string" } } },
                      gates: {
                        type: "array",
                        items: {
                          type: "object",
                          properties: {
                            name: { type: "string" },
                            status: { enum: [...GATE_STATUSES] },
                            value: { type: "number", nullable: true },
                            threshold: { type: "number", nullable: true },
                            reason: { type: "string" },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            ...errors(401, 403, 404),
          },
        },
      },
      "/api/v1/models/{name}/versions/{version}/card": {
        parameters: [
          { name: "name", in: "path", required: true, schema: { type: "string" } },
          { name: "version", in: "path", required: true, schema: { type: "string" } },
          { name: "format", in: "query", required: false, schema: { enum: ["json", "md"] } },
        ],
        get: {
          summary: "The version's model card (Model Card Toolkit JSON, or Markdown)",
          responses: {
            "200": {
              description: "Card",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/ModelCard" } },
                "text/markdown": { schema: { type: "string" } },
              },
            },
            ...errors(400, 401, 403, 404),
          },
        },
      },
    },
  };
}
