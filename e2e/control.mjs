// End-to-end check of the Plaza control centre in headless Chromium.
//
//   node control.mjs <url> <city-admin token> <operator token> <own district> <other district>
//
// Started by tests/control_browser.rs, which feeds the server from the
// device simulator. Prints "publish" when it wants one more reading and
// waits for a "published" line on stdin. Screenshots go to screenshots/.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";

const [url, cityToken, operatorToken, own, other] = process.argv.slice(2);
const shots = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(shots, { recursive: true });
const stdin = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => stdin.once("line", resolve));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function signIn(browser, token) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1100 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
  await page.goto(`${url}/control/`);
  check(page.url().endsWith("/control/sign-in"), `not sent to sign in: ${page.url()}`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL(`${url}/control/`), page.click("button[type=submit]")]);
  return page;
}

const figure = (page, district, key) =>
  page.getAttribute(`.card[data-district="${district}"] [data-figure="${key}"]`, "data-raw");

const browser = await chromium.launch({
  executablePath: process.env.PLAZA_CHROMIUM || "/usr/bin/chromium",
  // The machine has no internet: keep Chromium from reaching for it.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const districts = await (await fetch(`${url}/api/v1/districts`)).json();
  const ids = districts.map((d) => d.id);
  console.log(`districts: ${ids.join(", ")}`);

  // The city page shows every district with figures above zero.
  const city = await signIn(browser, cityToken);
  for (const id of ids) {
    for (const key of ["people", "vehicles", "energy", "occupancy", "orders"]) {
      await city.waitForFunction(
        ([d, k]) => {
          const node = document.querySelector(`.card[data-district="${d}"] [data-figure="${k}"]`);
          return node && parseFloat(node.dataset.raw) > 0;
        },
        [id, key],
        { timeout: 20000 },
      );
    }
    console.log(`city page: ${id} people=${await figure(city, id, "people")} ` +
      `vehicles=${await figure(city, id, "vehicles")} energy=${await figure(city, id, "energy")} ` +
      `occupancy=${await figure(city, id, "occupancy")}% orders=${await figure(city, id, "orders")}`);
  }
  const deliveries = await city.textContent(
    `.card[data-district="${ids[0]}"] [data-figure="deliveries"] .value`);
  check(deliveries.trim() === "—", `deliveries slot shows ${deliveries}`);
  await city.waitForSelector("#health tr[data-plugin]");
  await city.screenshot({ path: `${shots}city.png`, fullPage: true });

  // A figure updates live after one more reading, without a reload.
  const before = parseInt(await figure(city, own, "people"), 10);
  await city.evaluate(() => { window.__notReloaded = true; });
  console.log("publish");
  check((await nextLine()).trim() === "published", "no reading published");
  await city.waitForFunction(
    ([d, want]) => {
      const node = document.querySelector(`.card[data-district="${d}"] [data-figure="people"]`);
      return node && parseInt(node.dataset.raw, 10) === want;
    },
    [own, before + 50],
    { timeout: 20000 },
  );
  check(await city.evaluate(() => window.__notReloaded === true), "the page reloaded");
  console.log(`live update: people in ${own} ${before} -> ${before + 50}`);
  await city.screenshot({ path: `${shots}city-after-update.png`, fullPage: true });

  // A district page draws its charts.
  await city.goto(`${url}/control/districts/${own}`);
  await city.waitForFunction(() => {
    const paths = document.querySelectorAll("#chart-footfall svg path.line");
    return paths.length > 0 && paths[0].getAttribute("d").length > 20;
  }, null, { timeout: 20000 });
  for (const id of ["chart-vehicles", "chart-occupancy", "chart-energy"]) {
    // Occupancy may have one sample yet: a dot, not a line.
    await city.waitForSelector(`#${id} svg circle.last`, { timeout: 20000 });
  }
  await city.waitForSelector(`#tiles [data-figure="people"][data-raw]`);
  await city.click('#range button[data-range="hour"]');
  await city.waitForSelector("#chart-footfall svg path.line", { timeout: 20000 });
  console.log("district page: charts drawn");
  await city.screenshot({ path: `${shots}district.png`, fullPage: true });

  // A district operator sees only their district, and not another's page.
  const operator = await signIn(browser, operatorToken);
  await operator.waitForSelector(`.card[data-district="${own}"]`);
  await operator.waitForTimeout(500);
  const cards = await operator.$$eval(".card[data-district]", (n) => n.map((c) => c.dataset.district));
  check(cards.length === 1 && cards[0] === own, `operator sees ${cards}`);
  const refused = await operator.goto(`${url}/control/districts/${other}`);
  check(refused.status() === 403, `another district's page answered ${refused.status()}`);
  check((await operator.textContent("h1")).includes("Not your district"), "no refusal shown");
  await operator.screenshot({ path: `${shots}forbidden.png`, fullPage: true });
  console.log(`operator of ${own}: sees only ${own}; ${other} refused with 403`);
  console.log("ok");
} catch (e) {
  console.log(`FAILED: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  stdin.close();
}
