<?php
// The official PHP SDK (ITECOMMPAY/paymentpage-sdk-php, from a checkout: its sources are on no
// registry CI reaches) for sdk_flows.py:
//   php php_sdk.php SDK_SRC urls KEY BASE_URL PARAMS.json   prints {operation: Payment Page URL}
//   php php_sdk.php SDK_SRC verify KEY CALLBACKS.jsonl      prints the callbacks it refuses
[$_, $src, $command, $key] = $argv;
spl_autoload_register(function (string $class) use ($src) {
    $relative = str_replace('\\', '/', preg_replace('/^ecommpay\\\\/', '', $class));
    $file = "$src/$relative.php";
    if (is_file($file)) {
        require_once $file;
    }
});
$handler = new ecommpay\SignatureHandler($key);
if ($command === 'urls') {
    [, , , , $baseUrl, $paramsPath] = $argv;
    $page = new ecommpay\PaymentPage($handler, $baseUrl);
    $urls = [];
    foreach (json_decode(file_get_contents($paramsPath), true) as $operation => $params) {
        $payment = new ecommpay\Payment((string) $params['project_id'], (string) $params['payment_id']);
        foreach ($params as $name => $value) {
            if ($name !== 'project_id' && $name !== 'payment_id') {
                // The SDK's magic setters: setPaymentAmount sets payment_amount.
                $payment->{'set' . str_replace('_', '', ucwords($name, '_'))}($value);
            }
        }
        $urls[$operation] = $page->getUrl($payment);
    }
    echo json_encode($urls), "\n";
} elseif ($command === 'verify') {
    $failures = [];
    foreach (file($argv[4], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $raw) {
        try {
            new ecommpay\Callback($raw, $handler);
        } catch (Throwable $error) {
            $failures[] = get_class($error) . ': ' . $error->getMessage() . ': ' . substr($raw, 0, 300);
        }
    }
    echo json_encode($failures), "\n";
} else {
    fwrite(STDERR, "usage: php_sdk.php SDK_SRC urls KEY BASE_URL PARAMS.json | verify KEY CALLBACKS.jsonl\n");
    exit(2);
}
