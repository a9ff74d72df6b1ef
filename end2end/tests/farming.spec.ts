import { test, expect, Page } from '@playwright/test';
import { signIn, followMailedLink, fillProfile } from './helpers';

const number = async (page: Page, id: string) => Number(await page.getByTestId(id).innerText());

test('a burst from one network is held, half approved and half rejected in bulk, and counted as decided', async ({ browser }) => {
  // The company notes where it stands.
  const company = await browser.newPage();
  await signIn(company, 'recruit@mirai-tech.example');
  await expect(company).toHaveURL(/\/company$/);
  const relayUrl = await company.locator('#relay-url').inputValue();
  const qualifiedBefore = await number(company, 'qualified');
  const balanceBefore = await number(company, 'balance');

  // Six people opt in from one network within minutes, then confirm and fill in profiles.
  const people: Page[] = [];
  for (let i = 0; i < 6; i++) {
    const ctx = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': `203.0.113.${10 + i}` } });
    const page = await ctx.newPage();
    await page.goto(relayUrl);
    await page.fill('#email', `e2e-burst${i}@example.jp`);
    await page.locator('input[name="handoff"]').check();
    await page.getByRole('button', { name: '同意して確認メールを受け取る' }).click();
    await expect(page).toHaveURL(/\/check-mail$/);
    people.push(page);
  }
  for (const [i, page] of people.entries()) {
    await followMailedLink(page, `e2e-burst${i}@example.jp`);
    await fillProfile(page, `集中検証${i}`, `080-7000-00${10 + i}`);
  }

  // The company sees six under review and no new qualified relays.
  await company.goto('/company');
  await expect(company.getByTestId('held')).toContainText('6');
  expect(await number(company, 'qualified')).toBe(qualifiedBefore);

  // The admin approves three and rejects three, in bulk.
  const admin = await browser.newPage();
  await signIn(admin, 'admin@career-relay.example');
  await admin.goto('/admin/review');
  const group = admin.locator('[data-testid="held-group"][data-rule="network"]', { hasText: 'みらいテック株式会社' });
  await expect(group).toContainText('203.0.113.0/24');
  await expect(group).not.toContainText('e2e-burst');
  const boxes = group.locator('input[name="relays[]"]');
  await expect(boxes).toHaveCount(6);
  for (let i = 0; i < 3; i++) await boxes.nth(i).check();
  await group.getByTestId('approve').click();
  await expect(admin).toHaveURL(/decided=3&already=0/);
  const rest = admin.locator('[data-testid="held-group"][data-rule="network"]', { hasText: 'みらいテック株式会社' });
  const left = rest.locator('input[name="relays[]"]');
  await expect(left).toHaveCount(3);
  for (let i = 0; i < 3; i++) await left.nth(i).check();
  await rest.getByTestId('reject').click();
  await expect(admin.getByTestId('review-empty')).toBeVisible();
  await expect(admin.getByTestId('review-result')).toContainText('3');

  // The company's qualified relays move by the approved three, its credits by what they complete.
  await company.goto('/company');
  await expect(company.getByTestId('held')).toHaveCount(0);
  const qualifiedAfter = await number(company, 'qualified');
  expect(qualifiedAfter).toBe(qualifiedBefore + 3);
  const earned = Math.floor(qualifiedAfter / 10) - Math.floor(qualifiedBefore / 10);
  expect(await number(company, 'balance')).toBe(balanceBefore + earned);

  // The month's funnel is charted, with the same numbers in the table beside the charts.
  await company.goto('/company/numbers');
  await expect(company.locator('[data-testid="chart-funnel"] svg')).toBeVisible();
  const month = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7);
  const row = company.locator(`tr[data-month="${month}"] td`);
  // Columns: invitations, visits, opt-ins, qualified, …
  expect(Number(await row.nth(2).innerText())).toBeGreaterThanOrEqual(6);
  expect(Number(await row.nth(3).innerText())).toBe(qualifiedAfter);
});
