"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { TNavItem } from "./app-shell";

export function NavLinks({ items }: { items: TNavItem[] }) {
  const pathname = usePathname();
  return (
    <div className="nav">
      {items.map((item) => (
        <Link key={item.href} href={item.href} aria-current={pathname.startsWith(item.href) ? "page" : undefined}>
          {item.label}
        </Link>
      ))}
    </div>
  );
}
