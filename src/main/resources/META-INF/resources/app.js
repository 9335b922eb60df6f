// The page of the image understanding API: no framework, no build step, only same-origin requests.

const form = document.getElementById('analysis-form');
const samplesBox = document.getElementById('samples');
const fileInput = document.getElementById('files');
const urlBox = document.getElementById('image-urls');
const dropZone = document.getElementById('drop-zone');
const previews = document.getElementById('previews');
const presetSelect = document.getElementById('preset');
const presetDescription = document.getElementById('preset-description');
const parametersBox = document.getElementById('parameters');
const promptBox = document.getElementById('prompt');
const promptNote = document.getElementById('prompt-note');
const modelSelect = document.getElementById('model');
const goButton = document.getElementById('go');
const result = document.getElementById('result');
const answer = document.getElementById('answer');
const usage = document.getElementById('usage');
const errorBox = document.getElementById('error');

const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('api-key');

const jobPrefix = document.getElementById('job-prefix');
const jobAllSamples = document.getElementById('job-all-samples');
const startJobButton = document.getElementById('start-job');
const resultTitle = document.getElementById('result-title');
const jobBox = document.getElementById('job');
const jobStatus = document.getElementById('job-status');
const jobId = document.getElementById('job-id');
const jobProgress = document.getElementById('job-progress');
const jobCounts = document.getElementById('job-counts');
const jobUsage = document.getElementById('job-usage');
const cancelJobButton = document.getElementById('cancel-job');
const jobResults = document.getElementById('job-results');
const jobProblem = document.getElementById('job-problem');
const moreResultsButton = document.getElementById('more-results');
const jobsBox = document.getElementById('jobs');
const jobList = document.getElementById('job-list');
const olderJobsButton = document.getElementById('older-jobs');

const presets = new Map();
let samples = [];
let apiKey = sessionStorage.getItem('apiKey');
let chosenSample = null;
let uploads = [];
let previewUrls = [];
let shownPrompt = '';
let currentJob = null;
let pollTimer = null;
let resultsShownFor = -1;
let resultsLimit = 0;
let jobsCursor = null;

/** Request headers, with the API key when the service asked for one. */
function headers(accept) {
    return apiKey ? {Accept: accept, 'X-API-Key': apiKey} : {Accept: accept};
}

/** A 401 means the service requires a key (or a different one): ask for it. */
function askForKeyIf(response) {
    if (response.status === 401) {
        keyForm.hidden = false;
        keyInput.focus();
    }
}

keyForm.addEventListener('submit', event => {
    event.preventDefault();
    apiKey = keyInput.value.trim();
    sessionStorage.setItem('apiKey', apiKey);
    location.reload();
});

async function getJson(url) {
    const response = await fetch(url, {headers: headers('application/json')});
    if (!response.ok) {
        askForKeyIf(response);
        throw await problemOf(response);
    }
    return response.json();
}

/** Shows a sample image; with an API key it is fetched with the key, since an img element cannot send one. */
async function showImage(image, url) {
    if (!apiKey) {
        image.src = url;
        return;
    }
    const response = await fetch(url, {headers: headers('image/*')});
    if (response.ok) {
        image.src = URL.createObjectURL(await response.blob());
    }
}

/** The error an HTTP response stands for, from its RFC 9457 problem body when it has one. */
async function problemOf(response) {
    let problem = {title: `HTTP ${response.status}`, detail: response.statusText};
    try {
        problem = await response.json();
    } catch (ignored) {
        // Not JSON: keep the status line.
    }
    return problem;
}

function showError(problem) {
    errorBox.hidden = false;
    errorBox.textContent = '';
    const title = document.createElement('strong');
    title.textContent = problem.title || 'Something went wrong';
    errorBox.append(title);
    if (problem.detail) {
        errorBox.append(document.createTextNode(': ' + problem.detail));
    }
}

function clearResult() {
    stopPolling();
    currentJob = null;
    showJobView(false);
    answer.textContent = '';
    usage.textContent = '';
    errorBox.hidden = true;
    errorBox.textContent = '';
}

/** Scrolls the answer panel to the top of the window unless it already starts in the upper half (on a phone it is below the form). */
function showResultPanel() {
    const box = result.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight / 2) {
        result.scrollIntoView({block: 'start'});
    }
}

// --- Images -------------------------------------------------------------------------------------------------------

async function loadSamples() {
    samples = await getJson('/v1/samples');
    for (const sample of samples) {
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.sample = sample.id;
        button.setAttribute('aria-pressed', 'false');
        button.title = sample.name;
        const image = document.createElement('img');
        image.alt = sample.name;
        showImage(image, sample.url);
        button.append(image);
        button.addEventListener('click', () => chooseSample(sample));
        samplesBox.append(button);
    }
}

function chooseSample(sample) {
    chosenSample = sample;
    uploads = [];
    fileInput.value = '';
    urlBox.value = '';
    for (const button of samplesBox.querySelectorAll('button')) {
        button.setAttribute('aria-pressed', String(button.dataset.sample === sample.id));
    }
    const thumbnail = samplesBox.querySelector(`[data-sample="${sample.id}"] img`);
    renderPreviews([{name: sample.name, url: thumbnail.src}]);
}

function chooseFiles(files) {
    // Every file is sent: the service recognises images by their content, not by the browser's guess.
    const images = [...files];
    if (images.length === 0) {
        return;
    }
    uploads = images;
    chosenSample = null;
    urlBox.value = '';
    for (const button of samplesBox.querySelectorAll('button')) {
        button.setAttribute('aria-pressed', 'false');
    }
    // Only what the browser calls an image gets a preview; the rest is listed by name.
    const items = uploads.map(file => ({
        name: file.name,
        url: file.type === '' || file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
    }));
    renderPreviews(items, items.map(item => item.url).filter(url => url !== null));
}

/** A stand-in for a preview the browser cannot show (not an image, or one it cannot decode). */
function noPreview() {
    const note = document.createElement('span');
    note.className = 'no-preview';
    note.textContent = 'No preview';
    return note;
}

/** Shows the chosen images; ownedUrls are object URLs made for them, freed when the choice changes. */
function renderPreviews(items, ownedUrls = []) {
    previewUrls.forEach(url => URL.revokeObjectURL(url));
    previewUrls = ownedUrls;
    previews.textContent = '';
    for (const item of items) {
        const entry = document.createElement('li');
        if (item.url) {
            const image = document.createElement('img');
            image.alt = 'Preview of ' + item.name;
            image.addEventListener('error', () => image.replaceWith(noPreview()), {once: true});
            image.src = item.url;
            entry.append(image);
        } else {
            entry.append(noPreview());
        }
        entry.append(document.createTextNode(item.name));
        previews.append(entry);
    }
}

fileInput.addEventListener('change', () => chooseFiles(fileInput.files));

/** The URLs typed in, one per line. A form takes one kind of image: typing URLs drops a chosen sample or files. */
function imageUrls() {
    return urlBox.value.split('\n').map(line => line.trim()).filter(line => line !== '');
}

urlBox.addEventListener('input', () => {
    if (imageUrls().length === 0) {
        return;
    }
    chosenSample = null;
    uploads = [];
    fileInput.value = '';
    for (const button of samplesBox.querySelectorAll('button')) {
        button.setAttribute('aria-pressed', 'false');
    }
    renderPreviews([]);
});
for (const type of ['dragenter', 'dragover']) {
    dropZone.addEventListener(type, event => {
        event.preventDefault();
        dropZone.classList.add('dragging');
    });
}
for (const type of ['dragleave', 'drop']) {
    dropZone.addEventListener(type, () => dropZone.classList.remove('dragging'));
}
dropZone.addEventListener('drop', event => {
    event.preventDefault();
    chooseFiles(event.dataTransfer.files);
});

// --- Task and model -----------------------------------------------------------------------------------------------

async function loadPresets() {
    for (const preset of await getJson('/v1/presets')) {
        presets.set(preset.id, preset);
        presetSelect.append(new Option(preset.name, preset.id));
    }
}

function currentPreset() {
    return presets.get(presetSelect.value);
}

/** "question" → "Question": parameter names as labels. */
function labelOf(parameter) {
    return parameter.name.charAt(0).toUpperCase() + parameter.name.slice(1).replace(/-/g, ' ');
}

function choosePreset() {
    const preset = currentPreset();
    parametersBox.textContent = '';
    presetDescription.textContent = preset ? preset.description : 'Write your own instruction below.';
    for (const parameter of preset ? preset.parameters : []) {
        const id = 'parameter-' + parameter.name;
        const label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = labelOf(parameter) + (parameter.required ? ' (required)' : '');
        const input = document.createElement('input');
        input.type = 'text';
        input.id = id;
        input.name = parameter.name;
        input.maxLength = parameter.maxLength;
        input.placeholder = parameter.defaultValue || '';
        input.required = parameter.required;
        input.setAttribute('aria-describedby', id + '-hint');
        input.addEventListener('input', showPresetPrompt);
        const hint = document.createElement('p');
        hint.id = id + '-hint';
        hint.className = 'hint';
        hint.textContent = parameter.description;
        parametersBox.append(label, input, hint);
    }
    shownPrompt = '';
    promptBox.value = '';
    showPresetPrompt();
}

/**
 * The preset's prompt as the service will fill it in: each {{parameter}} replaced by its field's value, its default,
 * or its label in brackets while it is empty. The service does the filling itself; this is what the user reads.
 */
function filledPrompt(preset) {
    return preset.prompt.replace(/\{\{([A-Za-z][A-Za-z0-9-]*)}}/g, (placeholder, name) => {
        const parameter = preset.parameters.find(candidate => candidate.name === name);
        if (!parameter) {
            return placeholder;
        }
        const value = parametersBox.querySelector(`input[name="${name}"]`).value.trim();
        return value || parameter.defaultValue || `[${labelOf(parameter).toLowerCase()}]`;
    });
}

/** Shows the preset's prompt with its parameters filled in, unless the user has edited the prompt. */
function showPresetPrompt() {
    const preset = currentPreset();
    if (preset && !promptEdited()) {
        shownPrompt = filledPrompt(preset);
        promptBox.value = shownPrompt;
    }
    notePromptUse();
}

/** A preset is sent as such while its prompt is as shown; an edited prompt is sent as a custom prompt. */
function promptEdited() {
    return currentPreset() !== undefined && promptBox.value !== shownPrompt;
}

function notePromptUse() {
    promptNote.textContent = promptEdited()
        ? 'Edited: this text is sent as your own prompt, exactly as written; the fields above no longer apply.'
        : '';
}

presetSelect.addEventListener('change', choosePreset);
promptBox.addEventListener('input', notePromptUse);

async function loadModels() {
    for (const model of await getJson('/v1/models')) {
        const option = new Option((model.name || model.id) + (model.default ? ' (default)' : ''), model.id);
        option.title = model.id;
        option.selected = model.default;
        modelSelect.append(option);
    }
}

// --- Analysis -----------------------------------------------------------------------------------------------------

function formData() {
    const data = new FormData();
    if (chosenSample) {
        data.append('sample', chosenSample.id);
    }
    for (const file of uploads) {
        data.append('image', file, file.name);
    }
    for (const url of imageUrls()) {
        data.append('imageUrl', url);
    }
    const task = taskFields();
    if (task.preset) {
        data.append('preset', task.preset);
        for (const [name, value] of Object.entries(task.parameters)) {
            data.append(name, value);
        }
    } else if (task.prompt) {
        data.append('prompt', task.prompt);
    }
    data.append('model', modelSelect.value);
    return data;
}

/** The task as the user set it: the preset with its filled-in parameters, or an own prompt (see promptEdited). */
function taskFields() {
    const preset = currentPreset();
    if (preset && !promptEdited()) {
        const parameters = {};
        for (const input of parametersBox.querySelectorAll('input')) {
            if (input.value.trim() !== '') {
                parameters[input.name] = input.value;
            }
        }
        return {preset: preset.id, parameters};
    }
    return promptBox.value.trim() === '' ? {} : {prompt: promptBox.value};
}

/** Reads Server-Sent Events from a fetch response, calling onEvent(name, data) for each. */
async function readEvents(response, onEvent) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
        const {value, done} = await reader.read();
        if (done) {
            return;
        }
        buffer += value.replace(/\r\n/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = 'message';
            const data = [];
            for (const line of block.split('\n')) {
                if (line.startsWith('event:')) {
                    name = line.slice(6).trim();
                } else if (line.startsWith('data:')) {
                    data.push(line.slice(5).replace(/^ /, ''));
                }
            }
            if (data.length > 0) {
                onEvent(name, JSON.parse(data.join('\n')));
            }
        }
    }
}

/** US dollars with enough digits that a cheap answer does not read as zero. */
function dollars(amount) {
    const value = Number(amount);
    return value >= 0.01 ? `$${value.toFixed(2)}` : value >= 0.0001 ? `$${value.toFixed(4)}` : '< $0.0001';
}

function modelName(id) {
    const option = [...modelSelect.options].find(candidate => candidate.value === id);
    return option ? option.text.replace(/ \(default\)$/, '') : id;
}

function showUsage(analysis) {
    const u = analysis.usage;
    const cost = u.estimatedCostUsd == null ? '' : ` · estimated cost ${dollars(u.estimatedCostUsd)}`;
    usage.textContent = `Tokens: ${u.inputTokens} in, ${u.outputTokens} out (${u.totalTokens} total)${cost} · `
        + `${(analysis.latencyMs / 1000).toFixed(1)} s · ${modelName(analysis.model)}`;
}

form.addEventListener('submit', async event => {
    event.preventDefault();
    clearResult();
    goButton.disabled = true;
    answer.setAttribute('aria-busy', 'true');
    showResultPanel();
    try {
        const response = await fetch('/v1/analyses', {
            method: 'POST',
            headers: headers('text/event-stream'),
            body: formData(),
        });
        if (!response.ok) {
            askForKeyIf(response);
            showError(await problemOf(response));
            showResultPanel();
            return;
        }
        let arrived = false;
        await readEvents(response, (name, data) => {
            if (name === 'delta') {
                answer.textContent += data.text;
            } else if (name === 'done') {
                answer.textContent = data.text;
                showUsage(data);
            } else if (name === 'error') {
                showError(data);
            }
            // The user may have scrolled away while waiting: the answer is brought into view when it starts.
            if (!arrived) {
                arrived = true;
                showResultPanel();
            }
        });
    } catch (failure) {
        showError({title: 'The service could not be reached', detail: String(failure.message || failure)});
        showResultPanel();
    } finally {
        goButton.disabled = false;
        answer.setAttribute('aria-busy', 'false');
    }
});

// --- Jobs ---------------------------------------------------------------------------------------------------------

const FINAL_STATUSES = ['completed', 'cancelled', 'failed'];
const POLL_MS = 1000;
const RESULTS_SHOWN = 100;
// The most lines GET /v1/jobs/{id}/results gives at once.
const RESULTS_MAX = 10000;
const JOBS_SHOWN = 20;

/** The result panel shows either an analysis' answer or a job's progress. */
function showJobView(shown) {
    jobBox.hidden = !shown;
    answer.hidden = shown;
    usage.hidden = shown;
    resultTitle.textContent = shown ? 'Job' : 'Answer';
}

/** The job's images: an S3 prefix, else the URLs typed in, else every sample or the chosen one; null when none. */
function jobSource() {
    const prefix = jobPrefix.value.trim();
    if (prefix !== '') {
        return {s3Prefix: prefix};
    }
    const urls = imageUrls();
    if (urls.length > 0) {
        return {images: urls.map(url => url.startsWith('s3://') ? {s3: url} : {url})};
    }
    if (jobAllSamples.checked) {
        return {images: samples.map(sample => ({sample: sample.id}))};
    }
    return chosenSample ? {images: [{sample: chosenSample.id}]} : null;
}

/** Sets a text only when it changes, so that the live region announces changes, not every poll. */
function setText(element, text) {
    if (element.textContent !== text) {
        element.textContent = text;
    }
}

function showJob(job) {
    currentJob = job;
    const c = job.counts;
    const done = c.succeeded + c.failed;
    setText(jobStatus, `Job ${job.status}: ${done} of ${c.total} images done`);
    setText(jobId, `ID ${job.id}`);
    jobProgress.max = Math.max(c.total, 1);
    jobProgress.value = done;
    // A prefix is listed in the background: the engine is chosen when the listing ends.
    setText(jobCounts, `${c.succeeded} succeeded · ${c.failed} failed · ${c.pending} pending · `
        + `${job.engine ?? 'engine chosen once the prefix is listed'} · ${modelName(job.model)}`);
    const u = job.usage;
    const cost = u.estimatedCostUsd == null ? '' : ` · estimated cost ${dollars(u.estimatedCostUsd)}`;
    setText(jobUsage, `Tokens: ${u.inputTokens} in, ${u.outputTokens} out${cost}`);
    cancelJobButton.disabled = FINAL_STATUSES.includes(job.status);
    jobProblem.hidden = !job.problem;
    if (job.problem) {
        const title = job.problem.title || 'The job could not run';
        setText(jobProblem, title + (job.problem.detail ? ': ' + job.problem.detail : ''));
    }
}

/** One result line as a list entry: its index and source, then the answer or the problem. */
function resultEntry(line) {
    const entry = document.createElement('li');
    const source = document.createElement('strong');
    source.textContent = `#${line.index} ${line.source}`;
    entry.append(source);
    if (line.problem) {
        entry.classList.add('error');
        const title = line.problem.title || 'Failed';
        entry.append(document.createTextNode(` — ${title}${line.problem.detail ? ': ' + line.problem.detail : ''}`));
    } else {
        entry.append(document.createTextNode(' — ' + (line.text || '')));
    }
    return entry;
}

/**
 * The first results (RESULTS_SHOWN more each time More results is pressed), read again whenever more items have
 * finished: items finish out of order, so a later page can gain lines that belong before those shown.
 */
async function showResults(job) {
    const done = job.counts.succeeded + job.counts.failed;
    if (done === resultsShownFor) {
        return;
    }
    const response = await fetch(`/v1/jobs/${job.id}/results?limit=${resultsLimit}`,
        {headers: headers('application/x-ndjson')});
    if (!response.ok) {
        askForKeyIf(response);
        throw await problemOf(response);
    }
    const lines = (await response.text()).split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line));
    resultsShownFor = done;
    jobResults.textContent = '';
    jobResults.append(...lines.map(resultEntry));
    moreResultsButton.hidden = lines.length >= done || resultsLimit >= RESULTS_MAX;
}

async function showMoreResults() {
    if (currentJob === null) {
        return;
    }
    resultsLimit = Math.min(resultsLimit + RESULTS_SHOWN, RESULTS_MAX);
    resultsShownFor = -1;
    try {
        await showResults(currentJob);
    } catch (problem) {
        showError(problem);
    }
}

function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
}

/** Follows the job every second until its status is final. */
async function poll(id) {
    try {
        const job = await getJson(`/v1/jobs/${id}`);
        if (currentJob === null || currentJob.id !== id) {
            return;
        }
        showJob(job);
        await showResults(job);
        if (!FINAL_STATUSES.includes(job.status)) {
            pollTimer = setTimeout(() => poll(id), POLL_MS);
        }
    } catch (problem) {
        showError(problem);
    }
}

/** Empties the job view for another job. */
function resetJobView() {
    clearResult();
    showJobView(true);
    resultsShownFor = -1;
    resultsLimit = RESULTS_SHOWN;
    jobResults.textContent = '';
    jobStatus.textContent = '';
    jobId.textContent = '';
    jobCounts.textContent = '';
    jobUsage.textContent = '';
    jobProblem.hidden = true;
    moreResultsButton.hidden = true;
    jobProgress.value = 0;
}

/** Shows the job and follows it until its status is final. */
async function follow(job) {
    showJob(job);
    if (FINAL_STATUSES.includes(job.status)) {
        await showResults(job);
    } else {
        pollTimer = setTimeout(() => poll(job.id), POLL_MS);
    }
}

async function startJob() {
    resetJobView();
    const source = jobSource();
    if (source === null) {
        showError({title: 'No images for the job', detail: uploads.length > 0
            ? 'A job takes an S3 prefix, image URLs or samples; uploaded files are analysed with Go.'
            : 'Give an S3 prefix or image URLs, or choose a sample.'});
        showResultPanel();
        return;
    }
    startJobButton.disabled = true;
    showResultPanel();
    try {
        const response = await fetch('/v1/jobs', {
            method: 'POST',
            headers: {...headers('application/json'), 'Content-Type': 'application/json'},
            body: JSON.stringify({source, ...taskFields(), model: modelSelect.value}),
        });
        if (!response.ok) {
            askForKeyIf(response);
            showError(await problemOf(response));
            return;
        }
        await follow(await response.json());
        if (jobsBox.open) {
            await loadJobs(false);
        }
    } catch (failure) {
        showError({title: 'The service could not be reached', detail: String(failure.message || failure)});
    } finally {
        startJobButton.disabled = false;
    }
}

async function cancelJob() {
    if (currentJob === null) {
        return;
    }
    cancelJobButton.disabled = true;
    try {
        const response = await fetch(`/v1/jobs/${currentJob.id}`, {method: 'DELETE', headers: headers('application/json')});
        if (!response.ok) {
            askForKeyIf(response);
            showError(await problemOf(response));
            cancelJobButton.disabled = false;
            return;
        }
        stopPolling();
        const job = await response.json();
        showJob(job);
        await showResults(job);
    } catch (failure) {
        showError({title: 'The service could not be reached', detail: String(failure.message || failure)});
        cancelJobButton.disabled = false;
    }
}

/** One job of the list: a button that shows it. */
function jobEntry(job) {
    const entry = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'job-entry';
    const c = job.counts;
    const task = job.preset ? job.preset : 'own prompt';
    const created = new Date(job.createdAt).toLocaleString();
    button.textContent = `${created} · ${task} · ${job.status} · ${c.succeeded + c.failed} of ${c.total} done`;
    button.dataset.job = job.id;
    button.addEventListener('click', async () => {
        resetJobView();
        showResultPanel();
        try {
            await follow(job);
        } catch (problem) {
            showError(problem);
        }
    });
    entry.append(button);
    return entry;
}

/** The caller's jobs, newest first: the first page again, or the next one after those shown. */
async function loadJobs(older) {
    const cursor = older && jobsCursor ? `&cursor=${encodeURIComponent(jobsCursor)}` : '';
    try {
        const page = await getJson(`/v1/jobs?limit=${JOBS_SHOWN}${cursor}`);
        if (!older) {
            jobList.textContent = '';
        }
        jobList.append(...page.jobs.map(jobEntry));
        if (jobList.children.length === 0) {
            const none = document.createElement('li');
            none.textContent = 'No jobs yet.';
            jobList.append(none);
        }
        jobsCursor = page.next;
        olderJobsButton.hidden = page.next == null;
    } catch (problem) {
        showError(problem);
        showResultPanel();
    }
}

startJobButton.addEventListener('click', startJob);
cancelJobButton.addEventListener('click', cancelJob);
moreResultsButton.addEventListener('click', showMoreResults);
olderJobsButton.addEventListener('click', () => loadJobs(true));
jobsBox.addEventListener('toggle', () => {
    if (jobsBox.open) {
        loadJobs(false);
    }
});
// Enter in the prefix field starts the job rather than submitting the analysis form.
jobPrefix.addEventListener('keydown', event => {
    if (event.key === 'Enter') {
        event.preventDefault();
        startJob();
    }
});

Promise.all([loadSamples(), loadPresets(), loadModels()])
    .then(choosePreset)
    .catch(showError);
