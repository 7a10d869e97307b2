import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LoadingBlock } from "./loading-block";

describe("LoadingBlock", () => {
  // A CI run's axe check caught a review page while its contributions were still streaming in:
  // aria-label on a div without a role is a serious violation (aria-prohibited-attr).
  it("is a labelled status region, so its aria-label is permitted", () => {
    const html = renderToStaticMarkup(createElement(LoadingBlock, { label: "Loading contributions" }));
    const root = /^<div [^>]*>/.exec(html)?.[0] ?? "";
    expect(root).toContain('role="status"');
    expect(root).toContain('aria-label="Loading contributions"');
    expect(root).toContain('aria-busy="true"');
  });
});
