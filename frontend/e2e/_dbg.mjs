import { launch, newPage } from "./browser.mjs";
const b = await launch();
for (const [first, second] of [["/topics", "/search?q=machine+learning&free=true"], ["/", "/search?q=physics"], ["/topics", "/"], ["/topics", "/c/topic/ai"], ["/", "/resource/1787"]]) {
  let errs = [];
  for (let i = 0; i < 6; i++) {
    const p = await newPage(b, 1280); p.hyd = 0; p.on("pageerror", () => p.hyd++);
    await p.goto("http://127.0.0.1:8062" + first); await p.waitForLoadState("networkidle");
    const before = p.hyd;
    await p.goto("http://127.0.0.1:8062" + second); await p.waitForLoadState("networkidle"); await p.waitForTimeout(300);
    errs.push(`${before}/${p.hyd}`);
    await p.context().close();
  }
  console.log(first, second, errs.join(" "));
}
await b.close();
