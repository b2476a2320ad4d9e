"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { getMe, loginHref, type Me } from "@/lib/account";

/** Sign in / out in the header; signed-in users get their dashboard (and the editor link for editors). */
export function AccountMenu() {
  const [me, setMe] = useState<Me | null>(null);
  const pathname = usePathname();
  useEffect(() => {
    getMe().then(setMe, () => setMe(null));
  }, [pathname]);
  if (!me) return <span className="account-menu" aria-hidden="true" />;
  if (!me.is_authenticated) {
    return (
      <div className="account-menu">
        <a href={loginHref(typeof window === "undefined" ? "/" : window.location.href)}>Sign in</a>
      </div>
    );
  }
  return (
    <div className="account-menu">
      <Link prefetch={false} href="/dashboard">
        {me.first_name || me.username}
      </Link>
      {me.is_learning_path_editor && (
        <Link prefetch={false} href="/learningpaths">
          Learning paths
        </Link>
      )}
      <a href="/logout/oidc?next=/">Sign out</a>
    </div>
  );
}
