"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { TNavItem } from "./app-shell";

export function NavLinks({ items }: { items: TNavItem[] }) {
  const pathname = usePathname();
  return (
    <div className="nav">
      {items.map((item) => {
        // "/" is the home page: it is current only on itself, not under every path.
        const current = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={current ? "page" : undefined}
            // The count reads as words to a screen reader: "Review queue, 257 open items".
            aria-label={item.count ? `${item.label}, ${item.count.description}` : undefined}
          >
            <span>{item.label}</span>
            {item.count ? (
              <span className={item.count.attention ? "nav-count attention" : "nav-count"} aria-hidden="true">
                {item.count.value}
              </span>
            ) : null}
          </Link>
        );
      })}
    </div>
  );
}
