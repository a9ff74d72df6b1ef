import { test, expect } from '@playwright/test';
import { signIn, followMailedLink, fillProfile } from './helpers';

const balance = async (page: import('@playwright/test').Page) =>
  Number(await page.getByTestId('balance').innerText());

test('the whole relay loop: link, opt-in, profile, claim, placement, credit', async ({ browser }) => {
  // The company copies its relay link.
  const company = await browser.newPage();
  const violations: string[] = [];
  company.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  await signIn(company, 'hr@sakura-foods.example');
  await expect(company).toHaveURL(/\/company$/);
  const relayUrl = await company.locator('#relay-url').inputValue();
  expect(relayUrl).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
  await expect(company.locator('#template-ja')).toContainText(relayUrl);
  // The button works once the wasm bundle has hydrated the page, which can take a moment.
  await expect(async () => {
    await company.getByTestId('copy-link').click();
    await expect(company.getByTestId('copy-link')).toHaveText('コピーしました', { timeout: 500 });
  }).toPass({ timeout: 30_000 });
  expect(violations, 'the page hydrates within its Content-Security-Policy').toEqual([]);
  const before = await balance(company);

  // A rejected candidate opts in through it and fills in the profile.
  const candidate = await browser.newPage();
  await candidate.goto(relayUrl);
  await expect(candidate.locator('h1')).toHaveText('キャリアリレーで、次のチャンスへ');
  await candidate.fill('#email', 'e2e-loop@example.jp');
  await candidate.locator('input[name="handoff"]').check();
  await candidate.getByRole('button', { name: '同意して確認メールを受け取る' }).click();
  await expect(candidate).toHaveURL(/\/check-mail$/);
  await followMailedLink(candidate, 'e2e-loop@example.jp');
  await expect(candidate).toHaveURL(/\/me$/);
  await fillProfile(candidate, 'ループ検証');
  await expect(candidate.getByTestId('candidate-status')).toContainText('受け付けています');

  // An agency finds and claims the candidate, then reports the placement.
  const agency = await browser.newPage();
  await signIn(agency, 'staff@next-career.example');
  await expect(agency).toHaveURL(/\/agency$/);
  await agency.fill('input[name="q"]', 'ループ検証');
  await agency.getByRole('button', { name: '検索' }).click();
  await expect(agency.locator('tr.pool-entry')).toHaveCount(1);
  await agency.locator('tr.pool-entry a').click();
  await agency.getByTestId('claim').click();
  await expect(agency).toHaveURL(/\/agency\/claims\?saved=claimed/);
  const card = agency.locator('article.claim', { hasText: '試験 花子' });
  await card.locator('summary').click();
  await card.locator('input[name="employer"]').fill('株式会社ひまわり商事');
  await card.locator('input[name="position"]').fill('法人営業');
  await card.locator('input[name="start_date"]').fill('2027-04-01');
  await card.getByRole('button', { name: '報告する' }).click();
  await expect(agency).toHaveURL(/saved=placed/);

  // The candidate sees who held the data; the company sees the placement and the credit.
  await candidate.goto('/me');
  await expect(candidate.locator('tr.provision')).toContainText('ネクストキャリア株式会社');
  await company.reload();
  await expect(company.getByTestId('outcomes')).toContainText('内定・入社');
  expect(await balance(company)).toBeGreaterThanOrEqual(before + 1);
  await expect(company.locator('tr.ledger-placement_bonus').first()).toBeVisible();
  await expect(company.locator('body')).not.toContainText('試験 花子');
});

test('a candidate opts in and completes the profile with JavaScript turned off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const company = await browser.newPage();
  await signIn(company, 'recruit@mirai-tech.example');
  const relayUrl = await company.locator('#relay-url').inputValue();

  await page.goto(relayUrl);
  await page.fill('#email', 'e2e-nojs@example.jp');
  await page.getByRole('button', { name: '同意して確認メールを受け取る' }).click();
  await expect(page.locator('.field-error')).toContainText('提供への同意が必要です');
  await expect(page.locator('#email')).toHaveValue('e2e-nojs@example.jp');
  await page.locator('input[name="handoff"]').check();
  await page.getByRole('button', { name: '同意して確認メールを受け取る' }).click();
  await expect(page).toHaveURL(/\/check-mail$/);
  await followMailedLink(page, 'e2e-nojs@example.jp');
  await expect(page).toHaveURL(/\/me$/);
  await page.fill('#name_kana', 'not kana');
  await page.getByRole('button', { name: 'プロフィールを保存' }).click();
  await expect(page.locator('.field-error[data-field="name_kana"]')).toBeVisible();
  await fillProfile(page, 'ノージェイエス');
  await expect(page.getByTestId('candidate-status')).toContainText('受け付けています');
  await context.close();
});

test('the language switch shows English and is remembered', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('落とす採用から、つなぐ採用へ。');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('h1')).toHaveText('From rejecting to relaying.');
  await page.goto('/signin');
  await expect(page.getByRole('button', { name: 'Send me a sign-in link' })).toBeVisible();
});
