import { test, expect } from '@playwright/test';
import { signIn, signInLink, followMailedLink, fillProfile } from './helpers';

test('a candidate downloads their data, leaves the company\'s return list, erases it, and is never invited again', async ({ browser }) => {
  // A rejected candidate opts in through the second company's link, agreeing that the company
  // may contact them again; an agency claims them.
  const company = await browser.newPage();
  await signIn(company, 'recruit@mirai-tech.example');
  const relayUrl = await company.locator('#relay-url').inputValue();
  const candidate = await browser.newPage();
  await candidate.goto(relayUrl);
  await candidate.fill('#email', 'e2e-erase@example.jp');
  await candidate.locator('input[name="handoff"]').check();
  await candidate.locator('input[name="recontact"]').check();
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
  expect(exported.profile.search_status).toBe('looking');
  expect(Array.isArray(exported.asks)).toBe(true);

  // The company sees the candidate among its return candidates, with their address; the view
  // is a provision the candidate sees on their page.
  await company.goto('/company');
  await company.getByTestId('returns-link').click();
  await expect(company.getByTestId('returns')).toContainText('試験 花子');
  await expect(company.getByTestId('returns')).toContainText('e2e-erase@example.jp');
  await candidate.goto('/me');
  await expect(candidate.getByTestId('provision-records')).toContainText('再連絡に同意されたため');

  // Withdrawing the re-contact consent takes them off the company's list at once.
  await candidate.getByTestId('consent-recontact').click();
  await expect(candidate).toHaveURL(/saved=consent/);
  await company.reload();
  await expect(company.locator('h1')).toContainText('再応募候補者');
  await expect(company.locator('body')).not.toContainText('e2e-erase@example.jp');

  // Erasure, with JavaScript turned off: asked once more, then done at once.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await context.newPage();
  await nojs.goto(signInLink('e2e-erase@example.jp'));
  await nojs.getByTestId('continue-sign-in').click();
  await expect(nojs).toHaveURL(/\/me$/);
  const plain = await nojs.request.get('/me/export.json');
  expect(plain.ok()).toBe(true);
  expect(JSON.parse(await plain.text()).profile.email).toBe('e2e-erase@example.jp');
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
