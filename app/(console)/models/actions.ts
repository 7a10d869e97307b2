"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { ApiError } from "@/app/_server/api-errors";
import { createModel } from "@/app/_server/models";
import { DomainError } from "@/lib/errors";

const create = defineAction({
  name: "registry.create_model",
  roles: ["admin", "scientist"],
  // The full validation is ZCreateModelInput inside createModel, shared with the REST API.
  input: z.record(z.string(), z.unknown()),
  handler: async ({ user, input, db }) => {
    try {
      const model = await createModel(db, { kind: "user", id: user.id, label: user.email }, input);
      revalidatePath("/models");
      return model;
    } catch (error) {
      if (error instanceof ApiError) throw new DomainError(error.code, [error.message, ...((error.details as Array<{ field: string; message: string }> | undefined) ?? []).map((detail) => `${detail.field}: ${detail.message}`)].join(" "), error.status);
      throw error;
    }
  },
});

export async function createModelAction(input: Record<string, string>) {
  return create(input);
}
