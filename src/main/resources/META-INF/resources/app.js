// The page of the image understanding API: no framework, no build step, only same-origin requests.

const form = document.getElementById('analysis-form');
const samplesBox = document.getElementById('samples');
const fileInput = document.getElementById('files');
const dropZone = document.getElementById('drop-zone');
const previews = document.getElementById('previews');
const presetSelect = document.getElementById('preset');
const presetDescription = document.getElementById('preset-description');
const parametersBox = document.getElementById('parameters');
const promptBox = document.getElementById('prompt');
const promptNote = document.getElementById('prompt-note');
const modelSelect = document.getElementById('model');
const goButton = document.getElementById('go');
const answer = document.getElementById('answer');
const usage = document.getElementById('usage');
const errorBox = document.getElementById('error');

const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('api-key');

const presets = new Map();
let apiKey = sessionStorage.getItem('apiKey');
let chosenSample = null;
let uploads = [];
let previewUrls = [];

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
    answer.textContent = '';
    usage.textContent = '';
    errorBox.hidden = true;
    errorBox.textContent = '';
}

// --- Images -------------------------------------------------------------------------------------------------------

async function loadSamples() {
    const samples = await getJson('/v1/samples');
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
    for (const button of samplesBox.querySelectorAll('button')) {
        button.setAttribute('aria-pressed', 'false');
    }
    const items = uploads.map(file => ({name: file.name, url: URL.createObjectURL(file)}));
    renderPreviews(items, items.map(item => item.url));
}

/** Shows the chosen images; ownedUrls are object URLs made for them, freed when the choice changes. */
function renderPreviews(items, ownedUrls = []) {
    previewUrls.forEach(url => URL.revokeObjectURL(url));
    previewUrls = ownedUrls;
    previews.textContent = '';
    for (const item of items) {
        const entry = document.createElement('li');
        const image = document.createElement('img');
        image.src = item.url;
        image.alt = 'Preview of ' + item.name;
        entry.append(image, document.createTextNode(item.name));
        previews.append(entry);
    }
}

fileInput.addEventListener('change', () => chooseFiles(fileInput.files));
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

function choosePreset() {
    const preset = currentPreset();
    parametersBox.textContent = '';
    presetDescription.textContent = preset ? preset.description : 'Write your own instruction below.';
    promptBox.value = preset ? preset.prompt : '';
    for (const parameter of preset ? preset.parameters : []) {
        const id = 'parameter-' + parameter.name;
        const label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = parameter.name + (parameter.required ? ' (required)' : '');
        const input = document.createElement('input');
        input.type = 'text';
        input.id = id;
        input.name = parameter.name;
        input.maxLength = parameter.maxLength;
        input.placeholder = parameter.defaultValue || '';
        input.required = parameter.required;
        input.setAttribute('aria-describedby', id + '-hint');
        const hint = document.createElement('p');
        hint.id = id + '-hint';
        hint.className = 'hint';
        hint.textContent = parameter.description;
        parametersBox.append(label, input, hint);
    }
    notePromptUse();
}

/** A preset is sent as such while its prompt is unchanged; an edited prompt is sent as a custom prompt. */
function promptEdited() {
    const preset = currentPreset();
    return preset !== undefined && promptBox.value !== preset.prompt;
}

function notePromptUse() {
    promptNote.textContent = promptEdited()
        ? 'Edited: this text is sent as a custom prompt; {{placeholders}} are not filled in.'
        : '';
}

presetSelect.addEventListener('change', choosePreset);
promptBox.addEventListener('input', notePromptUse);

async function loadModels() {
    for (const model of await getJson('/v1/models')) {
        const option = new Option(model.id + (model.default ? ' (default)' : ''), model.id);
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
    const preset = currentPreset();
    if (preset && !promptEdited()) {
        data.append('preset', preset.id);
        for (const input of parametersBox.querySelectorAll('input')) {
            if (input.value.trim() !== '') {
                data.append(input.name, input.value);
            }
        }
    } else if (promptBox.value.trim() !== '') {
        data.append('prompt', promptBox.value);
    }
    data.append('model', modelSelect.value);
    return data;
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

function showUsage(analysis) {
    const u = analysis.usage;
    usage.textContent = `Tokens: ${u.inputTokens} in, ${u.outputTokens} out (${u.totalTokens} total) · `
        + `${(analysis.latencyMs / 1000).toFixed(1)} s · ${analysis.model}`;
}

form.addEventListener('submit', async event => {
    event.preventDefault();
    clearResult();
    goButton.disabled = true;
    answer.setAttribute('aria-busy', 'true');
    try {
        const response = await fetch('/v1/analyses', {
            method: 'POST',
            headers: headers('text/event-stream'),
            body: formData(),
        });
        if (!response.ok) {
            askForKeyIf(response);
            showError(await problemOf(response));
            return;
        }
        await readEvents(response, (name, data) => {
            if (name === 'delta') {
                answer.textContent += data.text;
            } else if (name === 'done') {
                answer.textContent = data.text;
                showUsage(data);
            } else if (name === 'error') {
                showError(data);
            }
        });
    } catch (failure) {
        showError({title: 'The service could not be reached', detail: String(failure.message || failure)});
    } finally {
        goButton.disabled = false;
        answer.setAttribute('aria-busy', 'false');
    }
});

Promise.all([loadSamples(), loadPresets(), loadModels()])
    .then(choosePreset)
    .catch(showError);
