import { test, expect } from '@playwright/test';
import { signIn, signInLink, followMailedLink, fillProfile } from './helpers';

test('a candidate downloads their data, erases it, and is never invited again', async ({ browser }) => {
  // A rejected candidate opts in through the second company's link; an agency claims them.
  const company = await browser.newPage();
  await signIn(company, 'recruit@mirai-tech.example');
  const relayUrl = await company.locator('#relay-url').inputValue();
  const candidate = await browser.newPage();
  await candidate.goto(relayUrl);
  await candidate.fill('#email', 'e2e-erase@example.jp');
  await candidate.locator('input[name="handoff"]').check();
  await candidate.getByRole('button', { name: '同意して確認メールを受け取る' }).click();
  await followMailedLink(candidate, 'e2e-erase@example.jp');
  await fillProfile(candidate, '削除検証');
  const agency = await browser.newPage();
  await signIn(agency, 'agent@hikari-jinzai.example');
  await agency.fill('input[name="q"]', '削除検証');
  await agency.getByRole('button', { name: '検索' }).click();
  await agency.locator('tr.pool-entry a').click();
  await agency.getByTestId('claim').click();
  await expect(agency.locator('article.claim', { hasText: '試験 花子' })).toBeVisible();

  // The export downloads and parses, with the claim and its provision record in it.
  await candidate.goto('/me');
  const [download] = await Promise.all([
    candidate.waitForEvent('download'),
    candidate.getByTestId('export-json').click(),
  ]);
  const exported = JSON.parse(require('fs').readFileSync(await download.path(), 'utf8'));
  expect(exported.format).toBe('career-relay-export/1');
  expect(exported.profile.email).toBe('e2e-erase@example.jp');
  expect(exported.claims[0].agency).toBe('ひかり人材紹介');
  expect(exported.provision_records[0].agency).toBe('ひかり人材紹介');

  // Erasure, with JavaScript turned off: asked once more, then done at once.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await context.newPage();
  await nojs.goto(signInLink('e2e-erase@example.jp'));
  await nojs.getByTestId('continue-sign-in').click();
  await expect(nojs).toHaveURL(/\/me$/);
  await nojs.locator('details', { hasText: 'データを削除する' }).locator('summary').click();
  await nojs.getByTestId('erase').click();
  await expect(nojs.locator('.field-error[data-field="confirm"]')).toContainText('確認のチェック');
  await nojs.getByTestId('erase-confirm').check();
  await nojs.getByTestId('erase').click();
  await expect(nojs).toHaveURL(/\/\?saved=erased$/);
  await expect(nojs.locator('body')).toContainText('データを削除しました');
  await context.close();

  // The agency that held the claim sees nothing of them any more.
  await agency.goto('/agency/claims');
  await expect(agency.locator('body')).not.toContainText('試験 花子');

  // The company imports the same address from its ATS: reported as suppressed, not invited.
  await company.goto('/company/import');
  await company.setInputFiles('#import-file', {
    name: 'rejected.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('氏名,メールアドレス\n試験 花子,e2e-erase@example.jp\n'),
  });
  await company.getByRole('button', { name: 'アップロード' }).click();
  await company.getByRole('button', { name: '取り込む' }).click();
  await expect(company.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
  await expect(company.getByTestId('import-invited')).toHaveText('0');
  await expect(company.getByTestId('import-report')).toContainText('配信停止の希望あり');
});
