"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { ApiError } from "@/app/_server/api-errors";
import { createModel, updateModel } from "@/app/_server/models";
import { DomainError } from "@/lib/errors";

function asDomainError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const details = ((error.details as Array<{ field: string; message: string }> | undefined) ?? []).map(
    (detail) => `${detail.field}: ${detail.message}`,
  );
  return new DomainError(error.code, [error.message, ...details].join(" "), error.status);
}

const create = defineAction({
  name: "registry.create_model",
  permission: "model.create",
  // The full validation is ZCreateModelInput inside createModel, shared with the REST API.
  input: z.record(z.string(), z.unknown()),
  handler: async ({ user, input, db }) => {
    try {
      const model = await createModel(db, { kind: "user", id: user.id, label: user.email }, input);
      revalidatePath("/models");
      return model;
    } catch (error) {
      throw asDomainError(error);
    }
  },
});

export async function createModelAction(input: Record<string, string>) {
  return create(input);
}

const update = defineAction({
  name: "registry.edit_model",
  permission: "model.edit",
  input: z.object({ slug: z.string().max(64) }).catchall(z.unknown()),
  handler: async ({ user, input, db }) => {
    const { slug, ...changes } = input;
    try {
      const result = await updateModel(db, { kind: "user", id: user.id, label: user.email }, slug, changes);
      revalidatePath(`/models/${slug}`);
      return result;
    } catch (error) {
      throw asDomainError(error);
    }
  },
});

export async function updateModelAction(input: Record<string, string>) {
  return update(input);
}
