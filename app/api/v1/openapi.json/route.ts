import { buildOpenApiDocument } from "@/lib/registry/openapi";

/** The OpenAPI document is public: it describes the API, it holds no data. */
export function GET(request: Request) {
  return Response.json(buildOpenApiDocument(new URL(request.url).origin));
}
