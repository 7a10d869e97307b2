"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appendAuditRecord } from "@/db/audit";
import { acknowledgeAlert, getAlert } from "@/db/queries/alert-rules";
import { acknowledgeIncident } from "@/db/writes/alerts";
import { DomainError } from "@/lib/errors";

const acknowledge = defineAction({
  name: "alerts.acknowledge",
  permission: "alerts.acknowledge",
  input: z.object({ id: z.uuid({ error: "id must be an alert id" }) }),
  handler: async ({ user, input, db }) => {
    await db.transaction(async (tx) => {
      const alert = await getAlert(tx, input.id);
      if (!alert) throw new DomainError("alert_not_found", "That alert does not exist.", 404);
      if (alert.status !== "firing") throw new DomainError("alert_not_firing", `This alert is already ${alert.status}.`, 409);
      await acknowledgeAlert(tx, { id: input.id, userId: user.id });
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "alert.acknowledged",
        subjectType: "alert",
        subjectId: input.id,
        modelId: alert.modelId,
        input: { title: alert.title },
      });
    });
    revalidatePath("/alerts");
    return { id: input.id };
  },
});

export async function acknowledgeAlertAction(input: { id: string }) {
  return acknowledge(input);
}

const acknowledgeIncidentDefinition = defineAction({
  name: "incidents.acknowledge",
  permission: "alerts.acknowledge",
  input: z.object({ id: z.uuid({ error: "id must be an incident id" }) }),
  handler: async ({ user, input, db }) => {
    // The writer acknowledges the incident and its firing members with one audit record.
    const { acknowledged } = await acknowledgeIncident(db, {
      incidentId: input.id,
      actor: { id: user.id, label: user.email, roles: user.roles },
    });
    revalidatePath("/alerts");
    revalidatePath("/models/[slug]/monitoring", "page");
    return { id: input.id, acknowledged };
  },
});

export async function acknowledgeIncidentAction(input: { id: string }) {
  return acknowledgeIncidentDefinition(input);
}
