// Tests never reach AWS: fixed fake credentials and region, no instance metadata look-ups.
process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLETEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_ENDPOINT_URL;
