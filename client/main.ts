// Entry point of the single-page client; the pages come with the client issue.
const app = document.getElementById('app');
if (app) app.textContent = 'Sổ hộ nghèo';
