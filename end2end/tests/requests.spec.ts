import { test, expect } from '@playwright/test';
import { signIn, signInLink } from './helpers';

// The demo's first company has credits; its first candidate (佐藤 花子, sales in Tokyo) is held by
// the first agency and agreed to be contacted again by that company.

test('a free referral: request, ranked match, introduction, agreement, hire', async ({ browser }) => {
  const company = await browser.newPage();
  await signIn(company, 'hr@sakura-foods.example');
  await company.getByTestId('requests-link').click();
  await expect(company).toHaveURL(/\/company\/requests$/);
  await company.fill('#title', 'E2E 法人営業');
  await company.selectOption('#job_type', 'sales');
  await company.selectOption('#prefecture', '13');
  await company.selectOption('#employment_type', 'full_time');
  await company.fill('input[name="salary_min"]', '300');
  await company.fill('input[name="salary_max"]', '500');
  await company.fill('#must_have', '法人営業');
  await company.getByTestId('open-request').click();
  await expect(company).toHaveURL(/\/company\/requests\/\d+\?saved=request_opened/);
  const requestPath = new URL(company.url()).pathname;
  const id = requestPath.split('/').pop();

  // The agency accepts it, sees its candidate ranked with the rules that matched, introduces.
  const agency = await browser.newPage();
  await signIn(agency, 'staff@next-career.example');
  await agency.goto('/agency/requests');
  await agency.locator(`tr[data-request="${id}"] a`).click();
  await agency.getByTestId('accept-request').click();
  await expect(agency.getByTestId('accepted')).toBeVisible();
  const row = agency.locator('tr.ranked-candidate', { hasText: '佐藤 花子' });
  await expect(row.locator('li[data-rule="must:法人営業"]')).toHaveText('必須: 法人営業');
  await expect(row.locator('li[data-rule="job_type"]')).toBeVisible();
  await row.locator('textarea[name="recommendation"]').fill('法人営業の経験があり、すぐに活躍できます。');
  await row.getByTestId('introduce').click();
  await expect(agency).toHaveURL(/saved=introduced/);

  // The company sees an introduction, not yet who it is.
  await company.goto(requestPath);
  await expect(company.locator('article.introduction')).toContainText('本人の回答待ち');
  await expect(company.locator('body')).not.toContainText('佐藤 花子');

  // The candidate agrees on their page.
  const candidate = await browser.newPage();
  await signIn(candidate, 'candidate01@example.jp');
  const intro = candidate.locator('li[data-testid="introduction"]', { hasText: 'E2E 法人営業' });
  await intro.getByTestId('agree').click();
  await expect(candidate).toHaveURL(/saved=answered/);

  // The company sees the profile and hires: the request is fulfilled, the credit stays spent.
  await company.reload();
  await expect(company.getByTestId('introduced-name')).toHaveText('佐藤 花子');
  await company.getByTestId('screen-result').selectOption('hired');
  await company.getByTestId('screen').click();
  await expect(company).toHaveURL(/saved=screened/);
  await expect(company.getByTestId('request-status')).toHaveText('充足（入社）');
  await company.goto('/company');
  await expect(company.locator('tr.ledger-redeemed').first()).toBeVisible();

  // The candidate sees the provision to the company, and the agency the result.
  await candidate.goto('/me');
  await expect(candidate.getByTestId('recipient').first()).toContainText('株式会社さくらフーズ');
  await agency.goto(`/agency/requests/${id}`);
  await expect(agency.getByTestId('my-introductions')).toContainText('入社');
});

test('a request opened and cancelled with JavaScript turned off gives the credit back', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const company = await context.newPage();
  await company.goto(signInLink('hr@sakura-foods.example'));
  await company.getByTestId('continue-sign-in').click();
  await company.goto('/company/requests');
  const balance = async () =>
    Number((await company.getByTestId('request-balance').innerText()).replace(/\D/g, ''));
  const before = await balance();
  // A salary range upside down: the error next to the field, and nothing spent.
  await company.fill('#title', 'E2E 取消');
  await company.selectOption('#job_type', 'office');
  await company.selectOption('#prefecture', 'remote');
  await company.fill('input[name="salary_min"]', '500');
  await company.fill('input[name="salary_max"]', '300');
  await company.getByTestId('open-request').click();
  await expect(company.locator('.field-error[data-field="salary_max"]')).toHaveText('上限は下限以上にしてください。');
  await expect(company.locator('#title')).toHaveValue('E2E 取消');
  expect(await balance()).toBe(before);

  await company.fill('input[name="salary_max"]', '600');
  await company.getByTestId('open-request').click();
  await expect(company).toHaveURL(/saved=request_opened/);
  await company.getByTestId('cancel-request').click();
  await expect(company).toHaveURL(/saved=request_cancelled/);
  await expect(company.locator('tr', { hasText: 'E2E 取消' })).toContainText('取り消し（返還済み）');
  expect(await balance()).toBe(before);
  await company.goto('/company');
  await expect(company.locator('tr.ledger-refunded').first()).toBeVisible();
  await context.close();
});
