"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { ActionCallout } from "@/components/ui/action-callout";
import { SelectField, TextAreaField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import { OVERRIDE_REASON_CODES } from "@/lib/review/sla";
import type { TActionResult } from "@/lib/types/action";
import { addSkippedId, readSkippedIds } from "./skipped-items";

/**
 * Accept or override, keyboard first as annotation tools do: A accepts, O starts an override,
 * 1–4 pick its reason, Enter confirms it; S skips to the next item. Shortcuts are off while
 * typing in the comment. Release gives the item back to the queue.
 */
export function DecisionForm({
  itemId,
  modelLabel,
  otherLabel,
  left,
  decide,
  release,
  skip,
}: {
  itemId: string;
  modelLabel: string;
  otherLabel: string;
  /** Items waiting besides this one. */
  left: number;
  decide: (input: {
    id: string;
    decision: string;
    reasonCode?: string;
    comment?: string;
    skippedIds?: string[];
  }) => Promise<TActionResult<{ nextId: string | null }>>;
  release: (input: { id: string }) => Promise<TActionResult<{ id: string }>>;
  skip: (input: { id: string; skippedIds?: string[] }) => Promise<TActionResult<{ nextId: string | null }>>;
}) {
  const router = useRouter();
  const releasing = useAction(release, {
    onSuccess: () => {
      router.push("/review?released=1");
      router.refresh();
    },
  });
  const skipping = useAction(skip, {
    onSuccess: (data) => {
      addSkippedId(itemId);
      router.push(data.nextId ? `/review/${data.nextId}` : "/review?done=1");
      router.refresh();
    },
  });
  const [mode, setMode] = useState<"choose" | "override">("choose");
  const [reasonCode, setReasonCode] = useState<string>("");
  const [comment, setComment] = useState("");
  const deciding = useAction(decide, {
    shownFields: ["reasonCode", "comment"],
    onSuccess: (data) => {
      router.push(data.nextId ? `/review/${data.nextId}` : "/review?done=1");
      router.refresh();
    },
  });
  const pending = deciding.pending || releasing.pending || skipping.pending;
  const skipThis = () => skipping.run({ id: itemId, skippedIds: readSkippedIds() });
  const reasonRef = useRef<HTMLSelectElement>(null);
  const reasonCodes = Object.entries(OVERRIDE_REASON_CODES);

  const submit = (decision: "accept" | "override") =>
    deciding.run({
      id: itemId,
      decision,
      reasonCode: decision === "override" ? reasonCode || undefined : undefined,
      comment: comment || undefined,
      skippedIds: readSkippedIds(),
    });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (pending || event.metaKey || event.ctrlKey || event.altKey || target.tagName === "TEXTAREA" || target.tagName === "INPUT") return;
      const key = event.key.toLowerCase();
      if (mode === "choose" && key === "a") {
        event.preventDefault();
        submit("accept");
      } else if (mode === "choose" && key === "s") {
        event.preventDefault();
        skipThis();
      } else if (mode === "choose" && key === "o") {
        event.preventDefault();
        setMode("override");
        setTimeout(() => reasonRef.current?.focus(), 0);
      } else if (mode === "override" && /^[1-9]$/.test(key) && reasonCodes[Number(key) - 1]) {
        event.preventDefault();
        setReasonCode(reasonCodes[Number(key) - 1][0]);
      } else if (mode === "override" && key === "enter" && target.tagName !== "BUTTON") {
        event.preventDefault();
        submit("override");
      } else if (mode === "override" && key === "escape") {
        event.preventDefault();
        setMode("choose");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return (
    <section className="card" aria-labelledby="decision-heading">
      <div style={{ display: "flex", justifyContent: "space-between", gap: 12, flexWrap: "wrap", alignItems: "baseline" }}>
        <h2 id="decision-heading">Decision</h2>
        <span className="muted" role="status" aria-label="Items left">
          {left.toLocaleString("en-US")} {left === 1 ? "item" : "items"} left in the queue
        </span>
      </div>
      <ActionCallout state={deciding.state} label="Decision error" />
      <ActionCallout state={releasing.state} label="Release error" />
      <ActionCallout state={skipping.state} label="Skip error" />
      <TextAreaField
        label="Comment (optional)"
        rows={2}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
        maxLength={2000}
        error={deciding.fieldError("comment")}
      />
      {mode === "choose" ? (
        <div style={{ display: "flex", gap: 10, flexWrap: "wrap" }}>
          <button type="button" className="button primary" disabled={pending} onClick={() => submit("accept")} aria-keyshortcuts="A">
            Accept “{modelLabel}” <kbd>A</kbd>
          </button>
          <button type="button" className="button" disabled={pending} onClick={() => setMode("override")} aria-keyshortcuts="O">
            Override to “{otherLabel}” <kbd>O</kbd>
          </button>
          <button type="button" className="button" disabled={pending} onClick={skipThis} aria-keyshortcuts="S">
            Skip <kbd>S</kbd>
          </button>
          <button type="button" className="button" disabled={pending} onClick={() => releasing.run({ id: itemId })}>
            Release
          </button>
        </div>
      ) : (
        <div>
          <SelectField
            label={`Override reason (keys 1–${reasonCodes.length})`}
            ref={reasonRef}
            value={reasonCode}
            onChange={(event) => setReasonCode(event.target.value)}
            options={[
              { value: "", label: "Choose a reason…" },
              ...reasonCodes.map(([code, label], index) => ({ value: code, label: `${index + 1}. ${label}` })),
            ]}
            error={deciding.fieldError("reasonCode")}
          />
          <div style={{ display: "flex", gap: 10 }}>
            <button type="button" className="button danger" disabled={pending} onClick={() => submit("override")} aria-keyshortcuts="Enter">
              Confirm override to “{otherLabel}” <kbd>Enter</kbd>
            </button>
            <button type="button" className="button" disabled={pending} onClick={() => setMode("choose")}>
              Cancel <kbd>Esc</kbd>
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
